//! `network!(file = "...")` reads the same definition from a file relative
//! to the crate's root.

use nn::Network;

nn::network!(file = "tests/models/tutorial.nn");

#[test]
fn a_network_read_from_a_file_is_the_same_as_inline() {
    assert_eq!(FromFile::<f32>::PARAMETERS, 784 * 128 + 128 + 128 * 10 + 10);
    assert_eq!(FromFile::<f32>::INPUT_SHAPE, [784]);
    let model = FromFile::<f32>::new(1);
    assert_eq!(
        model
            .forward(&[0.0; 784], &mut FromFileCache::default())
            .len(),
        10
    );
}
