//! The IDX format of the MNIST family, raw or gzip-compressed.
//!
//! A big-endian header, magic `0x0000_08NN` where `08` says unsigned bytes and
//! `NN` the number of dimensions, then one `u32` per dimension, then the data.

use std::io::Read;
use std::path::Path;

use crate::{Error, Result};

/// Magic number of an IDX file of `u8` images (three dimensions).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of `u8` labels (one dimension).
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// The content of an IDX file of unsigned bytes.
///
/// # Examples
///
/// ```
/// use nn_runtime::data::idx::{parse, LABELS_MAGIC};
/// let bytes = [0, 0, 8, 1, 0, 0, 0, 2, 7, 3];
/// let labels = parse(std::path::Path::new("labels"), &bytes, LABELS_MAGIC)?;
/// assert_eq!((labels.dims.as_slice(), labels.data.as_slice()), (&[2][..], &[7, 3][..]));
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxArray {
    /// The dimensions, outermost first.
    pub dims: Vec<usize>,
    /// The values, row-major.
    pub data: Vec<u8>,
}

/// Reads an IDX file (gzip-compressed or not) whose magic must be `magic`.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read or its gzip stream is corrupt
/// (including bytes after the last gzip member that are not another member),
/// and the errors of [`parse`].
pub fn read(path: &Path, magic: u32) -> Result<IdxArray> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let raw = std::fs::read(path).map_err(io)?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(io)?;
        out
    } else {
        raw
    };
    parse(path, &bytes, magic)
}

/// Parses the bytes of an IDX file; `path` only names the file in errors.
///
/// # Errors
///
/// [`Error::BadMagic`] when the magic is not `magic`, [`Error::Truncated`]
/// when the header or the data ends early, [`Error::BadFormat`] when there are
/// bytes past the announced data.
pub fn parse(path: &Path, bytes: &[u8], magic: u32) -> Result<IdxArray> {
    let truncated = |expected: usize| Error::Truncated {
        path: path.to_owned(),
        expected_bytes: expected as u64,
        found_bytes: bytes.len() as u64,
    };
    let word = |at: usize| -> Option<u32> {
        let b = bytes.get(at..at + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let found = word(0).ok_or_else(|| truncated(4))?;
    if found != magic {
        return Err(Error::BadMagic {
            path: path.to_owned(),
            expected: magic,
            found,
        });
    }
    let rank = (magic & 0xff) as usize;
    let header = 4 + 4 * rank;
    let dims = (0..rank)
        .map(|d| {
            word(4 + 4 * d)
                .map(|v| v as usize)
                .ok_or_else(|| truncated(header))
        })
        .collect::<Result<Vec<_>>>()?;
    let count = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .and_then(|n| n.checked_add(header))
        .ok_or_else(|| Error::BadFormat {
            path: path.to_owned(),
            detail: format!("dimensions {dims:?} are too large to hold in memory"),
        })?;
    match bytes.len().cmp(&count) {
        std::cmp::Ordering::Less => Err(truncated(count)),
        std::cmp::Ordering::Greater => Err(Error::BadFormat {
            path: path.to_owned(),
            detail: format!(
                "{} bytes follow the {count} that dimensions {dims:?} announce",
                bytes.len() - count
            ),
        }),
        std::cmp::Ordering::Equal => Ok(IdxArray {
            dims,
            data: bytes[header..].to_vec(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(count: u32, rows: u32, cols: u32, pixels: usize) -> Vec<u8> {
        let mut bytes = IMAGES_MAGIC.to_be_bytes().to_vec();
        for d in [count, rows, cols] {
            bytes.extend(d.to_be_bytes());
        }
        bytes.extend(std::iter::repeat_n(7u8, pixels));
        bytes
    }

    #[test]
    fn parses_a_well_formed_image_file() {
        let array = parse(Path::new("x"), &images(2, 2, 3, 12), IMAGES_MAGIC).unwrap();
        assert_eq!(array.dims, [2, 2, 3]);
        assert_eq!(array.data.len(), 12);
    }

    #[test]
    fn labels_file_given_as_images_is_a_magic_error() {
        let bytes = [0, 0, 8, 1, 0, 0, 0, 0];
        let err = parse(Path::new("t10k-labels"), &bytes, IMAGES_MAGIC).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t10k-labels: wrong magic number 2049 (0x00000801); expected 2051 (0x00000803)"
        );
    }

    #[test]
    fn short_data_and_short_header_are_truncation_errors() {
        let err = parse(Path::new("img"), &images(2, 2, 3, 11), IMAGES_MAGIC).unwrap_err();
        assert_eq!(
            err.to_string(),
            "img: truncated: the header announces 28 bytes but the file has 27"
        );
        let err = parse(Path::new("img"), &images(2, 2, 3, 0)[..9], IMAGES_MAGIC).unwrap_err();
        assert!(matches!(
            err,
            Error::Truncated {
                expected_bytes: 16,
                found_bytes: 9,
                ..
            }
        ));
        let err = parse(Path::new("img"), &[0, 0], IMAGES_MAGIC).unwrap_err();
        assert!(matches!(err, Error::Truncated { .. }));
    }

    #[test]
    fn trailing_bytes_and_absurd_dimensions_are_format_errors() {
        let err = parse(Path::new("img"), &images(1, 1, 1, 2), IMAGES_MAGIC).unwrap_err();
        assert!(err.to_string().contains("1 bytes follow"), "{err}");
        let err = parse(
            Path::new("img"),
            &images(u32::MAX, u32::MAX, u32::MAX, 0),
            IMAGES_MAGIC,
        );
        assert!(matches!(err, Err(Error::BadFormat { .. })));
    }
}
