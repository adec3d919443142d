//! Every problem found in one invocation, reported together.

use std::fmt::Display;

use proc_macro2::Span;

/// Collects spanned errors; folds them into one `syn::Error` at the end.
#[derive(Default)]
pub(crate) struct Diagnostics {
    errors: Vec<syn::Error>,
}

impl Diagnostics {
    /// Blames a single token (a literal, an identifier).
    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// Blames a whole syntax node, such as the call `dense(0)`.
    pub(crate) fn over(&mut self, node: &impl quote::ToTokens, message: impl Display) {
        self.errors.push(syn::Error::new_spanned(node, message));
    }

    /// `Ok(value)` when nothing was reported, else every error combined.
    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        let mut all = self.errors.into_iter();
        let Some(mut first) = all.next() else {
            return Ok(value);
        };
        all.for_each(|e| first.combine(e));
        Err(first)
    }
}

/// The candidate closest to `word` by edit distance, when it is a plausible
/// typo. Case is ignored (`GELU`, `LeakyReLU`), and among equally close
/// candidates the one of the word's length wins (`gleu` is `gelu`, not `elu`).
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    let length = word.chars().count();
    candidates
        .iter()
        .map(|c| (edit_distance(&word, c), *c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min_by_key(|(d, c)| (*d, c.chars().count().abs_diff(length)))
        .map(|(_, c)| c)
}

/// Edit distance over characters where an insertion, a deletion, a
/// substitution or a swap of two neighbours each count 1 (optimal string
/// alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(closest("dens", &["dense", "relu"]), Some("dense"));
        assert_eq!(closest("rleu", &["relu", "tanh"]), Some("relu"));
        assert_eq!(closest("convolution", &["dense", "relu"]), None);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("rleu", "relu"), 1);
        let activations = ["relu", "leaky_relu", "elu", "gelu", "silu"];
        assert_eq!(closest("gleu", &activations), Some("gelu"));
        assert_eq!(closest("GELU", &activations), Some("gelu"));
        assert_eq!(closest("LeakyReLU", &activations), Some("leaky_relu"));
    }
}
