//! Learning-rate schedules, applied by `fit` at the start of each epoch.

use super::EpochReport;
use crate::{Error, Result};

/// How the learning rate moves from epoch to epoch. Epochs count from 0 here;
/// `base` is the optimizer's learning rate when `fit` starts.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::{Schedule, Scheduler};
/// let mut cosine = Scheduler::new(Schedule::Cosine { epochs: 4, minimum: 0.0 }, 1.0)?;
/// let rates: Vec<f64> = (0..6).map(|e| cosine.rate(e, None).unwrap()).collect();
/// assert_eq!(rates[0], 1.0);
/// assert!((rates[2] - 0.5).abs() < 1e-12);
/// assert_eq!(rates[4..], [0.0, 0.0]); // at its minimum, and stays there
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// `base` throughout (useful after a warm-up).
    Constant,
    /// `base * factor^(epoch / every)`, PyTorch's `StepLR`.
    Step {
        /// Epochs between reductions; at least 1.
        every: usize,
        /// Multiplier at each reduction, in (0, 1].
        factor: f64,
    },
    /// `base * factor^epoch`, PyTorch's `ExponentialLR`.
    Exponential {
        /// Multiplier per epoch, in (0, 1].
        factor: f64,
    },
    /// Cosine annealing from `base` down to `minimum` over `epochs` epochs,
    /// then `minimum` from there on: it never rises again.
    Cosine {
        /// Epochs to reach the minimum; at least 1.
        epochs: usize,
        /// The final rate, at least 0 and at most `base`.
        minimum: f64,
    },
    /// Linear warm-up, `base * (epoch + 1) / epochs` for the first `epochs`
    /// epochs, then `after`, whose epochs count from the end of the warm-up.
    Warmup {
        /// Epochs of warm-up; at least 1.
        epochs: usize,
        /// The schedule after warm-up (not `ReduceOnPlateau`).
        after: Box<Schedule>,
    },
    /// Keras's `ReduceLROnPlateau`: once `monitor` has gone `patience` epochs
    /// without improving, the rate is multiplied by `factor`, never below
    /// `minimum`, and the count starts again. Losses and errors improve
    /// downwards, other figures upwards.
    ReduceOnPlateau {
        /// The figure to watch, such as `val_loss`.
        monitor: String,
        /// Multiplier on a plateau, in (0, 1).
        factor: f64,
        /// Epochs without improvement before reducing.
        patience: usize,
        /// The lowest rate.
        minimum: f64,
    },
}

/// A schedule in progress: where it stands, what the plateau rule has seen.
///
/// # Examples
///
/// See [`Schedule`].
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduler {
    schedule: Schedule,
    base: f64,
    /// The plateau rule's current rate, best figure and epochs since it.
    plateau: Plateau,
}

/// State of [`Schedule::ReduceOnPlateau`].
#[derive(Clone, Copy, Debug, PartialEq)]
struct Plateau {
    rate: f64,
    best: Option<f64>,
    waited: usize,
}

impl Scheduler {
    /// Starts `schedule` from the learning rate `base`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the first setting out of range.
    pub fn new(schedule: Schedule, base: f64) -> Result<Self> {
        if !(base.is_finite() && base > 0.0) {
            return Err(Error::InvalidArgument {
                name: "schedule base rate",
                expected: "a positive finite learning rate".to_owned(),
                found: base.to_string(),
            });
        }
        validate(&schedule, base, true)?;
        Ok(Self {
            schedule,
            base,
            plateau: Plateau {
                rate: base,
                best: None,
                waited: 0,
            },
        })
    }

    /// The learning rate of epoch `epoch` (from 0). `previous` is the report
    /// of the epoch before, which the plateau rule reads.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the plateau rule's figure is not in the report.
    pub fn rate(&mut self, epoch: usize, previous: Option<&EpochReport>) -> Result<f64> {
        if let Schedule::ReduceOnPlateau {
            monitor,
            factor,
            patience,
            minimum,
        } = &self.schedule
        {
            if let Some(report) = previous {
                let value = report.require(monitor, "schedule monitor")?;
                let state = &mut self.plateau;
                if improved(monitor, value, state.best) {
                    state.best = Some(value);
                    state.waited = 0;
                } else {
                    state.waited += 1;
                    if state.waited >= *patience {
                        state.rate = (state.rate * factor).max(*minimum);
                        state.waited = 0;
                    }
                }
            }
            return Ok(self.plateau.rate);
        }
        Ok(closed_form(&self.schedule, self.base, epoch))
    }
}

impl Scheduler {
    /// The plateau rule's state: current rate, best figure, epochs waited.
    pub(crate) fn plateau_state(&self) -> (f64, Option<f64>, usize) {
        (self.plateau.rate, self.plateau.best, self.plateau.waited)
    }

    /// Continues the plateau rule from a saved [`plateau_state`](Self::plateau_state).
    pub(crate) fn resume_plateau(&mut self, (rate, best, waited): (f64, Option<f64>, usize)) {
        self.plateau = Plateau { rate, best, waited };
    }
}

/// Whether `value` of figure `name` beats `best`: lower for losses and
/// errors, higher for everything else.
pub(crate) fn improved(name: &str, value: f64, best: Option<f64>) -> bool {
    match best {
        None => value.is_finite(),
        Some(best) if lower_is_better(name) => value < best,
        Some(best) => value > best,
    }
}

/// Whether figure `name` improves downwards.
pub(crate) fn lower_is_better(name: &str) -> bool {
    let base = name.strip_prefix("val_").unwrap_or(name);
    base.ends_with("loss") || matches!(base, "error_rate" | "mse" | "mae")
}

/// `count` as an exponent; past `i32::MAX` a factor in (0, 1] has long
/// reached its limit, so the largest exponent gives the same rate.
fn saturating_i32(count: usize) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

/// The rate of a schedule without state at `epoch`.
fn closed_form(schedule: &Schedule, base: f64, epoch: usize) -> f64 {
    match schedule {
        Schedule::Constant | Schedule::ReduceOnPlateau { .. } => base,
        Schedule::Step { every, factor } => base * factor.powi(saturating_i32(epoch / every)),
        Schedule::Exponential { factor } => base * factor.powi(saturating_i32(epoch)),
        Schedule::Cosine { epochs, minimum } => {
            let progress = epoch.min(*epochs) as f64 / *epochs as f64;
            minimum + (base - minimum) * (1.0 + (std::f64::consts::PI * progress).cos()) / 2.0
        }
        Schedule::Warmup { epochs, after } => {
            if epoch < *epochs {
                base * (epoch + 1) as f64 / *epochs as f64
            } else {
                closed_form(after, base, epoch - epochs)
            }
        }
    }
}

fn validate(schedule: &Schedule, base: f64, top_level: bool) -> Result<()> {
    let fail = |name: &'static str, expected: &str, found: String| {
        Err(Error::InvalidArgument {
            name,
            expected: expected.to_owned(),
            found,
        })
    };
    let factor_ok = |f: f64| f > 0.0 && f <= 1.0;
    match schedule {
        Schedule::Constant => Ok(()),
        Schedule::Step { every, factor } => {
            if *every == 0 {
                fail("schedule every", "at least 1 epoch", "0".to_owned())
            } else if !factor_ok(*factor) {
                fail("schedule factor", "a number in (0, 1]", factor.to_string())
            } else {
                Ok(())
            }
        }
        Schedule::Exponential { factor } if !factor_ok(*factor) => {
            fail("schedule factor", "a number in (0, 1]", factor.to_string())
        }
        Schedule::Exponential { .. } => Ok(()),
        Schedule::Cosine { epochs, minimum } => {
            if *epochs == 0 {
                fail("schedule epochs", "at least 1", "0".to_owned())
            } else if !(*minimum >= 0.0 && *minimum <= base) {
                fail(
                    "schedule minimum",
                    &format!("a rate from 0 to the starting rate {base}"),
                    minimum.to_string(),
                )
            } else {
                Ok(())
            }
        }
        Schedule::Warmup { epochs, after } => {
            if *epochs == 0 {
                fail("warm-up epochs", "at least 1", "0".to_owned())
            } else {
                validate(after, base, false)
            }
        }
        Schedule::ReduceOnPlateau { .. } if !top_level => fail(
            "schedule after warm-up",
            "a schedule without state (not ReduceOnPlateau)",
            "ReduceOnPlateau".to_owned(),
        ),
        Schedule::ReduceOnPlateau {
            factor, minimum, ..
        } => {
            if !(*factor > 0.0 && *factor < 1.0) {
                fail("plateau factor", "a number in (0, 1)", factor.to_string())
            } else if !(*minimum >= 0.0 && *minimum <= base) {
                fail(
                    "plateau minimum",
                    &format!("a rate from 0 to the starting rate {base}"),
                    minimum.to_string(),
                )
            } else {
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_rates(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{got:?} vs {want:?}");
        }
    }

    fn rates(schedule: Schedule, epochs: usize) -> Vec<f64> {
        let mut scheduler = Scheduler::new(schedule, 0.1).unwrap();
        (0..epochs)
            .map(|e| scheduler.rate(e, None).unwrap())
            .collect()
    }

    fn report(figure: &str, value: f64) -> EpochReport {
        EpochReport {
            epoch: 1,
            figures: vec![(figure.to_owned(), value)],
            seconds: 1.0,
            samples: 1,
        }
    }

    #[test]
    fn step_exponential_and_warmup_follow_their_formulas() {
        let step = rates(
            Schedule::Step {
                every: 2,
                factor: 0.5,
            },
            5,
        );
        assert_rates(&step, &[0.1, 0.1, 0.05, 0.05, 0.025]);
        let exponential = rates(Schedule::Exponential { factor: 0.5 }, 3);
        assert_rates(&exponential, &[0.1, 0.05, 0.025]);
        let warmup = Schedule::Warmup {
            epochs: 4,
            after: Box::new(Schedule::Step {
                every: 1,
                factor: 0.5,
            }),
        };
        let warm = rates(warmup, 6);
        assert_rates(&warm, &[0.025, 0.05, 0.075, 0.1, 0.1, 0.05]);
    }

    #[test]
    fn cosine_falls_monotonically_to_its_minimum_and_stays() {
        let cosine = rates(
            Schedule::Cosine {
                epochs: 7,
                minimum: 0.01,
            },
            20,
        );
        assert!(cosine.windows(2).all(|w| w[1] <= w[0]), "{cosine:?}");
        assert_eq!(cosine[0], 0.1);
        assert!(cosine[7..].iter().all(|&r| (r - 0.01).abs() < 1e-15));
    }

    #[test]
    fn plateau_reduces_after_patience_and_not_below_the_minimum() {
        let schedule = Schedule::ReduceOnPlateau {
            monitor: "val_loss".into(),
            factor: 0.5,
            patience: 1,
            minimum: 0.03,
        };
        let mut scheduler = Scheduler::new(schedule, 0.1).unwrap();
        let losses = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95];
        let mut seen = vec![scheduler.rate(0, None).unwrap()];
        for (epoch, &loss) in losses.iter().enumerate() {
            seen.push(
                scheduler
                    .rate(epoch + 1, Some(&report("val_loss", loss)))
                    .unwrap(),
            );
        }
        assert_eq!(seen, [0.1, 0.1, 0.1, 0.05, 0.03, 0.03, 0.03, 0.03, 0.03]);
        let error = scheduler.rate(9, Some(&report("loss", 1.0))).unwrap_err();
        assert!(error.to_string().contains("found `val_loss`"), "{error}");
    }

    #[test]
    fn settings_out_of_range_are_named() {
        let error = Scheduler::new(
            Schedule::Cosine {
                epochs: 3,
                minimum: 0.5,
            },
            0.1,
        )
        .unwrap_err();
        assert!(error.to_string().contains("schedule minimum"), "{error}");
        let nested = Schedule::Warmup {
            epochs: 1,
            after: Box::new(Schedule::ReduceOnPlateau {
                monitor: "loss".into(),
                factor: 0.5,
                patience: 0,
                minimum: 0.0,
            }),
        };
        assert!(Scheduler::new(nested, 0.1).is_err());
        assert!(
            Scheduler::new(
                Schedule::Step {
                    every: 0,
                    factor: 0.5
                },
                0.1
            )
            .is_err()
        );
    }
}
