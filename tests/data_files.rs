//! Bad MNIST files give an error value naming the file and what is wrong.

use std::io::Write;
use std::path::Path;

use nn::Error;
use nn::data::{MnistKind, load_mnist};

const IMAGES: u32 = 0x803;
const LABELS: u32 = 0x801;

/// An IDX file: magic, dimensions, then `payload`.
fn idx(magic: u32, dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut bytes = magic.to_be_bytes().to_vec();
    for d in dims {
        bytes.extend(d.to_be_bytes());
    }
    bytes.extend_from_slice(payload);
    bytes
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Three 28x28 images: pixel `i` of image `n` is `(n + i) % 256`.
fn pixels() -> Vec<u8> {
    (0..3 * 784)
        .map(|i| ((i / 784 + i % 784) % 256) as u8)
        .collect()
}

/// A data directory with a valid 3-sample set in both splits, then `tweak` applied.
fn dataset(tweak: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mnist = dir.path().join("mnist");
    std::fs::create_dir(&mnist).unwrap();
    for split in ["train", "t10k"] {
        let images = idx(IMAGES, &[3, 28, 28], &pixels());
        let labels = idx(LABELS, &[3], &[7, 0, 9]);
        std::fs::write(
            mnist.join(format!("{split}-images-idx3-ubyte.gz")),
            gzip(&images),
        )
        .unwrap();
        std::fs::write(mnist.join(format!("{split}-labels-idx1-ubyte")), labels).unwrap();
    }
    tweak(&mnist);
    dir
}

fn load(dir: &tempfile::TempDir) -> nn::Result<nn::data::MnistSplits> {
    load_mnist(MnistKind::Digits, Some(dir.path()))
}

#[test]
fn a_valid_directory_loads_gzipped_and_raw_files_scaled_to_unit_range() {
    let dir = dataset(|_| {});
    let data = load(&dir).unwrap();
    assert_eq!(
        (
            data.train.len(),
            data.test.len(),
            data.train.features_per_sample()
        ),
        (3, 3, 784)
    );
    assert_eq!(
        data.train.sample(1)[..3],
        [1.0 / 255.0, 2.0 / 255.0, 3.0 / 255.0]
    );
    assert_eq!(data.train.sample(0)[255], 1.0);
    assert_eq!(data.train.labels(), Some(&[7, 0, 9][..]));
}

#[test]
fn wrong_magic_names_the_file_and_both_numbers() {
    let dir = dataset(|d| {
        std::fs::write(
            d.join("train-labels-idx1-ubyte"),
            idx(IMAGES, &[3, 1, 1], &[0, 0, 0]),
        )
        .unwrap();
    });
    let err = load(&dir).unwrap_err();
    assert!(
        matches!(
            err,
            Error::BadMagic {
                expected: LABELS,
                found: IMAGES,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("train-labels-idx1-ubyte: wrong magic number 2051"),
        "{err}"
    );
}

#[test]
fn truncated_images_name_the_file_and_sizes() {
    let dir = dataset(|d| {
        let short = gzip(&idx(IMAGES, &[3, 28, 28], &pixels()[1..]));
        std::fs::write(d.join("t10k-images-idx3-ubyte.gz"), short).unwrap();
    });
    let err = load(&dir).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                expected_bytes: 2368,
                found_bytes: 2367,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("t10k-images-idx3-ubyte.gz: truncated"),
        "{err}"
    );
}

#[test]
fn a_corrupt_gzip_stream_is_an_error_naming_the_file() {
    let dir = dataset(|d| {
        let mut broken = gzip(&idx(IMAGES, &[3, 28, 28], &pixels()));
        broken.truncate(broken.len() / 2);
        std::fs::write(d.join("train-images-idx3-ubyte.gz"), broken).unwrap();
    });
    let err = load(&dir).unwrap_err();
    assert!(
        matches!(err, Error::Io { .. } | Error::Truncated { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("train-images-idx3-ubyte.gz"),
        "{err}"
    );
}

#[test]
fn image_and_label_counts_must_match() {
    let dir = dataset(|d| {
        std::fs::write(
            d.join("train-labels-idx1-ubyte"),
            idx(LABELS, &[2], &[1, 2]),
        )
        .unwrap();
    });
    let err = load(&dir).unwrap_err();
    assert!(
        matches!(
            err,
            Error::CountMismatch {
                image_count: 3,
                label_count: 2,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("holds 3 images but"), "{err}");
}

#[test]
fn labels_above_nine_are_out_of_range() {
    let dir = dataset(|d| {
        std::fs::write(
            d.join("t10k-labels-idx1-ubyte"),
            idx(LABELS, &[3], &[1, 10, 2]),
        )
        .unwrap();
    });
    let err = load(&dir).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LabelOutOfRange {
                index: 1,
                label: 10,
                classes: 10,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("t10k-labels-idx1-ubyte: label 10 of sample 1"),
        "{err}"
    );
}

#[test]
fn a_missing_data_set_says_where_it_looked_and_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_mnist(MnistKind::Fashion, Some(dir.path())).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::DataNotFound { .. }));
    assert!(
        message.contains(&dir.path().join("fashion-mnist").display().to_string()),
        "{message}"
    );
    assert!(message.contains("t10k-labels-idx1-ubyte"), "{message}");
    assert!(
        message.contains("published by the data set's authors"),
        "{message}"
    );
}

#[test]
fn a_missing_label_file_is_named() {
    let dir = dataset(|d| std::fs::remove_file(d.join("t10k-labels-idx1-ubyte")).unwrap());
    let err = load(&dir).unwrap_err();
    assert!(err.to_string().contains("t10k-labels-idx1-ubyte"), "{err}");
}

#[test]
fn images_of_the_wrong_size_or_none_are_format_errors() {
    let dir = dataset(|d| {
        std::fs::write(
            d.join("t10k-images-idx3-ubyte.gz"),
            gzip(&idx(IMAGES, &[1, 27, 29], &[0; 783])),
        )
        .unwrap();
    });
    let err = load(&dir).unwrap_err();
    assert!(
        err.to_string()
            .contains("t10k-images-idx3-ubyte.gz: images are 27x29 pixels; expected 28x28"),
        "{err}"
    );
    let dir = dataset(|d| {
        std::fs::write(
            d.join("train-images-idx3-ubyte.gz"),
            gzip(&idx(IMAGES, &[0, 28, 28], &[])),
        )
        .unwrap();
    });
    let err = load(&dir).unwrap_err();
    assert!(
        err.to_string()
            .contains("train-images-idx3-ubyte.gz: holds no images"),
        "{err}"
    );
}

#[test]
fn multi_member_gzip_is_read_whole_and_trailing_garbage_is_an_error() {
    let labels = idx(LABELS, &[3], &[7, 0, 9]);
    let dir = dataset(|d| {
        let mut two_members = gzip(&labels[..5]);
        two_members.extend(gzip(&labels[5..]));
        std::fs::write(d.join("train-labels-idx1-ubyte"), two_members).unwrap();
    });
    assert_eq!(load(&dir).unwrap().train.labels(), Some(&[7, 0, 9][..]));
    let dir = dataset(|d| {
        let mut garbage = gzip(&labels);
        garbage.extend([0x42; 100]);
        std::fs::write(d.join("train-labels-idx1-ubyte"), garbage).unwrap();
    });
    let err = load(&dir).unwrap_err();
    assert!(err.to_string().contains("train-labels-idx1-ubyte"), "{err}");
}

#[test]
fn a_lone_missing_file_is_named_not_reported_as_a_missing_data_set() {
    let dir = dataset(|d| std::fs::remove_file(d.join("train-images-idx3-ubyte.gz")).unwrap());
    let err = load(&dir).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(err.to_string().contains("train-images-idx3-ubyte"), "{err}");
}
