//! Weights saved as safetensors load back exactly, and every kind of bad file
//! is an error naming what is wrong, never a panic.

use std::path::PathBuf;

use nn::persist::{load_weights, save_weights};
use nn::rng::SeededRng;
use nn::{Cache, Error, Network, Params};

nn::network! {
    Small: [1, 8, 8] => conv2d(4, 3, relu, padding = same) -> batchnorm -> maxpool2d(2)
        -> flatten -> dense(16, relu) -> dense(3)
}
nn::network! { Wider: [1, 8, 8] => conv2d(4, 3, relu, padding = same) -> flatten -> dense(32, relu) -> dense(3) }

/// A path in a fresh temporary directory for this test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nn-save-load-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("model.safetensors")
}

/// A model whose batch norm has moved its running statistics.
fn trained_small() -> Small {
    let model = Small::<f32>::from_seed(3);
    let x: Vec<f32> = (0..4 * 64)
        .map(|i| ((i * 37 % 11) as f32) / 5.0 - 1.0)
        .collect();
    let mut cache = SmallCache::default();
    model.forward_train(&x, &mut cache, &mut SeededRng::new(0));
    model
}

fn outputs(model: &Small) -> Vec<f32> {
    let x: Vec<f32> = (0..2 * 64).map(|i| ((i * 13 % 7) as f32) / 3.0).collect();
    let mut cache = SmallCache::default();
    let y = model.forward(&x, &mut cache).to_vec();
    assert_eq!(cache.batch(), 2);
    y
}

#[test]
fn saved_weights_and_running_statistics_load_back_exactly() {
    let path = scratch("round-trip");
    let trained = trained_small();
    assert_ne!(
        trained.buffers()[0].1,
        vec![0.0; 4],
        "the running mean moved"
    );
    save_weights(&trained, &path).unwrap();
    let mut fresh = Small::<f32>::from_seed(99);
    assert_ne!(outputs(&fresh), outputs(&trained));
    load_weights(&mut fresh, &path).unwrap();
    assert_eq!(outputs(&fresh), outputs(&trained));
    assert_eq!(fresh.buffers(), trained.buffers());
    for index in 0..<Small as Params<f32>>::TENSORS {
        assert_eq!(fresh.tensor(index), trained.tensor(index));
    }
}

#[test]
fn the_file_lists_documented_names_and_shapes() {
    let path = scratch("names");
    save_weights(&trained_small(), &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
    for (name, shape) in [
        ("conv2d_0.weight", "[4,1,3,3]"),
        ("conv2d_0.bias", "[4]"),
        ("batchnorm0.running_mean", "[4]"),
        ("batchnorm0.running_var", "[4]"),
        ("dense0.weight", "[64,16]"),
        ("dense1.bias", "[3]"),
    ] {
        let entry = format!("\"{name}\":{{\"dtype\":\"F32\",\"shape\":{shape}");
        assert!(header.contains(&entry), "{entry} not in {header}");
    }
}

#[test]
fn another_architecture_is_refused_naming_the_tensor_and_both_shapes() {
    let path = scratch("architecture");
    save_weights(&Wider::<f32>::from_seed(0), &path).unwrap();
    let mut model = Small::<f32>::from_seed(5);
    let before = outputs(&model);
    let error = load_weights(&mut model, &path).unwrap_err();
    assert!(matches!(error, Error::TensorMismatch { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains(
            "tensor `batchnorm0.weight`: expected F32 of shape [4], found no such tensor"
        ),
        "{message}"
    );
    // Nothing was half-loaded.
    assert_eq!(outputs(&model), before);
}

#[test]
fn a_tensor_of_another_shape_or_type_is_refused() {
    let path = scratch("shape");
    nn::network! { Narrow: [1, 8, 8] => conv2d(4, 3, relu, padding = same) -> batchnorm -> maxpool2d(2) -> flatten -> dense(8, relu) -> dense(3) }
    save_weights(&Narrow::<f32>::from_seed(0), &path).unwrap();
    let error = load_weights(&mut Small::<f32>::from_seed(0), &path).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: tensor `dense0.weight`: expected F32 of shape [64, 16], found F32 of shape [64, 8]",
            path.display()
        )
    );
    save_weights(&Small::<f64>::from_seed(0), &path).unwrap();
    let error = load_weights(&mut Small::<f32>::from_seed(0), &path).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("expected F32 of shape [4, 1, 3, 3], found F64 of shape [4, 1, 3, 3]"),
        "{error}"
    );
}

#[test]
fn truncated_corrupted_and_foreign_files_are_errors_not_panics() {
    let path = scratch("corrupt");
    save_weights(&trained_small(), &path).unwrap();
    let good = std::fs::read(&path).unwrap();
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), Vec::new()),
        ("seven bytes".into(), good[..7].to_vec()),
        ("header cut".into(), good[..40].to_vec()),
        ("last byte missing".into(), good[..good.len() - 1].to_vec()),
        ("one byte extra".into(), [good.as_slice(), &[0]].concat()),
        (
            "huge header length".into(),
            [&u64::MAX.to_le_bytes()[..], &good[8..]].concat(),
        ),
        ("text".into(), b"this is not a model".to_vec()),
    ];
    let mut rng = SeededRng::new(7);
    for flip in 0..64 {
        let mut bytes = good.clone();
        let at = 8 + rng.below(400.min(bytes.len() - 8));
        bytes[at] ^= 1 << (flip % 8);
        cases.push((format!("bit flip at {at}"), bytes));
    }
    for (what, bytes) in cases {
        std::fs::write(&path, &bytes).unwrap();
        let mut model = Small::<f32>::from_seed(1);
        // A flip inside tensor data is a valid file with other values; everything
        // else must be an error, and nothing may panic.
        if let Err(error) = load_weights(&mut model, &path) {
            let message = error.to_string();
            assert!(
                message.starts_with(&path.display().to_string()),
                "{what}: {message}"
            );
        } else {
            assert!(what.starts_with("bit flip"), "{what} loaded");
        }
    }
}

#[test]
fn a_missing_file_names_its_path() {
    let path = scratch("missing").with_file_name("absent.safetensors");
    let error = load_weights(&mut Small::<f32>::from_seed(0), &path).unwrap_err();
    assert!(matches!(error, Error::Io { .. }));
    assert!(error.to_string().contains("absent.safetensors"));
}
