nn::network! {
    /// A bag-of-words classifier: the mean of the token vectors.
    BagOfWords: [20] => embedding(500, 8) -> global_avgpool -> dense(16, relu) -> dense(1, sigmoid)
}

nn::network! {
    /// A recommender over (user, item) pairs in one id space: users 0..100, items 100..150.
    Recommender: [2] => embedding(vocab = 150, dim = 4, l2 = 1e-4) -> flatten
        -> dense(8, relu, l1 = 1e-5, l2 = 1e-4) -> dense(1)
}

fn main() {
    use nn::Network;
    let bag = BagOfWords::<f32>::new(1);
    let tokens: Vec<f32> = (0..40).map(|i| (i * 37 % 500) as f32).collect();
    let mut cache = BagOfWordsCache::default();
    let out = bag.forward(&tokens, &mut cache);
    assert!(out.len() == 2 && out.iter().all(|p| (0.0..=1.0).contains(p)));
    let model = Recommender::<f32>::new(2);
    assert_eq!(model.forward(&[3.0, 120.0], &mut RecommenderCache::default()).len(), 1);
    assert_eq!(Recommender::<f32>::PARAMETERS, 150 * 4 + (8 * 8 + 8) + (8 + 1));
    assert!(model.penalty(None) > 0.0);
}
