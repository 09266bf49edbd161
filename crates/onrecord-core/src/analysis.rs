//! What every language stage reads: tokens, lowercased words, their
//! hashes and part-of-speech tags, computed once per article and shared by
//! the entity and attribution stages.

use crate::perceptron::hash;
use crate::text::{Tokens, tokenize};

/// A tokenised, tagged article.
pub(crate) struct Analysis<'a> {
    pub(crate) t: Tokens<'a>,
    /// Each token lowercased.
    pub(crate) lower: Vec<String>,
    /// [`hash`] of each lowercased token.
    pub(crate) h_word: Vec<u64>,
    /// Part-of-speech tag of each token (folded Penn tags).
    pub(crate) pos: Vec<&'static str>,
}

impl<'a> Analysis<'a> {
    pub(crate) fn new(text: &'a str) -> Analysis<'a> {
        let t = tokenize(text);
        let lower: Vec<String> = (0..t.len()).map(|i| t.str(i).to_lowercase()).collect();
        let h_word: Vec<u64> = lower.iter().map(|w| hash(w)).collect();
        let pos = crate::pos::tag(&t, &lower, &h_word);
        Analysis {
            t,
            lower,
            h_word,
            pos,
        }
    }

    /// Splits off the tokens from the per-token vectors.
    #[allow(clippy::type_complexity)]
    pub(crate) fn split(self) -> (Tokens<'a>, (Vec<String>, Vec<u64>, Vec<&'static str>)) {
        (self.t, (self.lower, self.h_word, self.pos))
    }
}
