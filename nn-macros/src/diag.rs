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

/// The candidate closest to `word` by edit distance, when it is a plausible typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
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
    }
}
