//! A small, seeded, reproducible random number generator.
//!
//! We use our own xoshiro256++ (seeded through SplitMix64) rather than a
//! crate's `StdRng` because the values behind a seed must never change between
//! releases: the same seed must give the same initial weights and the same
//! shuffles forever, which general-purpose RNG crates do not promise.

/// xoshiro256++ by Blackman and Vigna: fast, 256 bits of state, good quality.
///
/// # Examples
///
/// ```
/// use nn_runtime::rng::SeededRng;
/// let mut a = SeededRng::new(7);
/// let mut b = SeededRng::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let u = a.uniform(-1.0, 1.0);
/// assert!((-1.0..1.0).contains(&u));
/// ```
#[derive(Clone, Debug)]
pub struct SeededRng {
    state: [u64; 4],
}

impl SeededRng {
    /// A generator whose whole sequence is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut mix = seed;
        let mut next = || {
            mix = mix.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = mix;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Self {
            state: [next(), next(), next(), next()],
        }
    }

    /// The generator's whole state, to save in a checkpoint.
    ///
    /// ```
    /// use nn_runtime::rng::SeededRng;
    /// let mut a = SeededRng::new(3);
    /// a.next_u64();
    /// let mut b = SeededRng::from_state(a.state()).unwrap();
    /// assert_eq!(a.next_u64(), b.next_u64());
    /// ```
    pub fn state(&self) -> [u64; 4] {
        self.state
    }

    /// A generator continuing from a saved [`state`](Self::state); `None`
    /// for the all-zero state, which no generator can reach.
    pub fn from_state(state: [u64; 4]) -> Option<Self> {
        (state != [0; 4]).then_some(Self { state })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform `f64` in `[low, high)`, from the top 53 bits.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        low + (high - low) * unit
    }

    /// A uniform integer in `0..bound` (Lemire's multiply-shift, without bias).
    ///
    /// `bound` must be at least 1.
    pub fn below(&mut self, bound: usize) -> usize {
        assert!(bound > 0, "SeededRng::below needs a bound of at least 1");
        let bound = bound as u64;
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(bound);
            if (product as u64) >= threshold {
                return (product >> 64) as usize;
            }
        }
    }

    /// Shuffles `items` in place (Fisher-Yates).
    ///
    /// # Examples
    ///
    /// ```
    /// use nn_runtime::rng::SeededRng;
    /// let mut order: Vec<usize> = (0..10).collect();
    /// SeededRng::new(1).shuffle(&mut order);
    /// order.sort();
    /// assert_eq!(order, (0..10).collect::<Vec<_>>());
    /// ```
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_different_seeds_differ() {
        let a: Vec<u64> = (0..4)
            .scan(SeededRng::new(3), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .scan(SeededRng::new(3), |r, _| Some(r.next_u64()))
            .collect();
        let c: Vec<u64> = (0..4)
            .scan(SeededRng::new(4), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn below_covers_its_range_roughly_evenly() {
        let mut rng = SeededRng::new(11);
        let mut counts = [0usize; 5];
        for _ in 0..50_000 {
            counts[rng.below(5)] += 1;
        }
        for count in counts {
            assert!((9_000..11_000).contains(&count), "{counts:?}");
        }
    }

    #[test]
    fn uniform_mean_is_centred() {
        let mut rng = SeededRng::new(5);
        let mean: f64 = (0..100_000).map(|_| rng.uniform(-1.0, 1.0)).sum::<f64>() / 1e5;
        assert!(mean.abs() < 0.01, "mean {mean}");
    }
}
