//! Random image transformations applied to training samples as `fit` draws
//! them, so each epoch sees slightly different images.

use crate::rng::SeededRng;
use crate::shape::Shape;
use crate::{Error, Result};

/// What to vary in each training image, freshly drawn for every sample of
/// every epoch (Keras's `RandomFlip("horizontal")`, `RandomRotation` and
/// `RandomTranslation` layers, with zeros filled in where the image moved
/// away). Validation and test data are never augmented.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::Augmentation;
/// let light = Augmentation { flip_horizontal: false, max_rotation_degrees: 10.0, max_shift: 0.1 };
/// assert!(light.validate().is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Augmentation {
    /// Mirror left to right with probability 1/2 (not for digits or text).
    pub flip_horizontal: bool,
    /// Rotate about the centre by an angle drawn uniformly from
    /// `[-max, max]` degrees; at most 180.
    pub max_rotation_degrees: f64,
    /// Shift by amounts drawn uniformly from `[-max, max]` times the width
    /// (across) and the height (down); below 1.
    pub max_shift: f64,
}

/// One sample's draw: flip, rotation (radians) and shift (pixels, x and y).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Draw {
    flip: bool,
    angle: f64,
    shift: (f64, f64),
}

impl Augmentation {
    /// Checks the ranges.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the setting out of range.
    pub fn validate(&self) -> Result<()> {
        if !(0.0..=180.0).contains(&self.max_rotation_degrees) {
            return Err(Error::InvalidArgument {
                name: "max_rotation_degrees",
                expected: "a number of degrees from 0 to 180".to_owned(),
                found: self.max_rotation_degrees.to_string(),
            });
        }
        if !(0.0..1.0).contains(&self.max_shift) {
            return Err(Error::InvalidArgument {
                name: "max_shift",
                expected: "a fraction of the image from 0 up to 1".to_owned(),
                found: self.max_shift.to_string(),
            });
        }
        Ok(())
    }

    /// Checks the ranges and that `S` is an image; returns its
    /// `(channels, height, width)`.
    pub(crate) fn image_dims<S: Shape>(&self) -> Result<(usize, usize, usize)> {
        self.validate()?;
        let (channels, width) = (S::CHANNELS, S::ROW);
        let height = S::NUMEL / (channels * width).max(1);
        if channels * height * width != S::NUMEL || height < 2 || width < 2 {
            return Err(Error::InvalidArgument {
                name: "augment",
                expected: "a network whose input is an image [channels, height, width]".to_owned(),
                found: format!("an input of {} values", S::NUMEL),
            });
        }
        Ok((channels, height, width))
    }

    /// Transforms every sample of `batch` (images `[channels, height, width]`,
    /// one after another) in place, drawing from `rng`; `scratch` is reused.
    pub(crate) fn apply(
        &self,
        batch: &mut [f32],
        (channels, height, width): (usize, usize, usize),
        rng: &mut SeededRng,
        scratch: &mut Vec<f32>,
    ) {
        let size = channels * height * width;
        for sample in batch.chunks_exact_mut(size) {
            let draw = Draw {
                flip: self.flip_horizontal && rng.below(2) == 1,
                angle: rng
                    .uniform(-self.max_rotation_degrees, self.max_rotation_degrees)
                    .to_radians(),
                shift: (
                    rng.uniform(-self.max_shift, self.max_shift) * width as f64,
                    rng.uniform(-self.max_shift, self.max_shift) * height as f64,
                ),
            };
            scratch.clear();
            scratch.extend_from_slice(sample);
            for (from, to) in scratch
                .chunks_exact(height * width)
                .zip(sample.chunks_exact_mut(height * width))
            {
                transform(from, to, (height, width), draw);
            }
        }
    }
}

/// Writes into `to` the image `from` (`height x width`) flipped, rotated about
/// its centre and shifted as `draw` says, sampling bilinearly and reading
/// zeros outside the image.
fn transform(from: &[f32], to: &mut [f32], (height, width): (usize, usize), draw: Draw) {
    let (cy, cx) = ((height as f64 - 1.0) / 2.0, (width as f64 - 1.0) / 2.0);
    // A positive angle turns the picture counter-clockwise on screen (y points
    // down), as Keras's RandomRotation does.
    let (sin, cos) = (-draw.angle).sin_cos();
    let pixel = |y: isize, x: isize| -> f64 {
        if (0..height as isize).contains(&y) && (0..width as isize).contains(&x) {
            f64::from(from[y as usize * width + x as usize])
        } else {
            0.0
        }
    };
    for (i, row) in to.chunks_exact_mut(width).enumerate() {
        for (j, out) in row.iter_mut().enumerate() {
            // Undo the shift, then the rotation, then the flip (its own inverse).
            let (y, x) = (i as f64 - cy - draw.shift.1, j as f64 - cx - draw.shift.0);
            let xs = cos * x + sin * y;
            let ys = -sin * x + cos * y;
            let xs = if draw.flip { -xs } else { xs };
            let (sy, sx) = (ys + cy, xs + cx);
            let (y0, x0) = (sy.floor(), sx.floor());
            let (fy, fx) = (sy - y0, sx - x0);
            let (y0, x0) = (y0 as isize, x0 as isize);
            let value = pixel(y0, x0) * (1.0 - fy) * (1.0 - fx)
                + pixel(y0, x0 + 1) * (1.0 - fy) * fx
                + pixel(y0 + 1, x0) * fy * (1.0 - fx)
                + pixel(y0 + 1, x0 + 1) * fy * fx;
            *out = value as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 x 4 image whose pixels are 1 to 12, row by row.
    fn image() -> Vec<f32> {
        (1..=12).map(|v| v as f32).collect()
    }

    fn run(draw: Draw) -> Vec<f32> {
        let mut out = vec![0.0; 12];
        transform(&image(), &mut out, (3, 4), draw);
        out
    }

    const NOTHING: Draw = Draw {
        flip: false,
        angle: 0.0,
        shift: (0.0, 0.0),
    };

    #[test]
    fn flips_and_whole_pixel_shifts_are_exact() {
        assert_eq!(run(NOTHING), image());
        let flipped = run(Draw {
            flip: true,
            ..NOTHING
        });
        assert_eq!(
            flipped,
            [
                4.0, 3.0, 2.0, 1.0, 8.0, 7.0, 6.0, 5.0, 12.0, 11.0, 10.0, 9.0
            ]
        );
        let right_down = run(Draw {
            shift: (1.0, 1.0),
            ..NOTHING
        });
        assert_eq!(
            right_down,
            [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 5.0, 6.0, 7.0]
        );
    }

    #[test]
    fn a_half_turn_reverses_the_image() {
        let turned = run(Draw {
            angle: std::f64::consts::PI,
            ..NOTHING
        });
        let reversed: Vec<f32> = image().into_iter().rev().collect();
        for (t, r) in turned.iter().zip(&reversed) {
            assert!((t - r).abs() < 1e-5, "{turned:?}");
        }
    }

    #[test]
    fn a_quarter_turn_of_a_square_moves_corners_counter_clockwise() {
        // With y pointing down, a positive angle turns the picture counter-clockwise
        // on screen: the top-right corner goes to the top-left.
        let square: Vec<f32> = (1..=9).map(|v| v as f32).collect();
        let mut out = vec![0.0; 9];
        let quarter = Draw {
            angle: std::f64::consts::FRAC_PI_2,
            ..NOTHING
        };
        transform(&square, &mut out, (3, 3), quarter);
        let want = [3.0, 6.0, 9.0, 2.0, 5.0, 8.0, 1.0, 4.0, 7.0];
        for (o, w) in out.iter().zip(&want) {
            assert!((o - w).abs() < 1e-5, "{out:?}");
        }
    }

    #[test]
    fn draws_are_fresh_per_sample_and_settings_are_checked() {
        let augment = Augmentation {
            flip_horizontal: true,
            max_rotation_degrees: 15.0,
            max_shift: 0.2,
        };
        let mut batch: Vec<f32> = image().into_iter().chain(image()).collect();
        augment.apply(
            &mut batch,
            (1, 3, 4),
            &mut SeededRng::new(1),
            &mut Vec::new(),
        );
        assert_ne!(batch[..12], batch[12..], "two samples, two draws");
        let bad = Augmentation {
            max_shift: 1.0,
            ..augment
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("max_shift")
        );
    }
}
