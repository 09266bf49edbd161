//! First stage: candidate cues. The cue tagger reads each paragraph at
//! several levels of push (a bias towards starting a cue), and every cue
//! it proposes is read for its source and content ([`read_cue`]).

use std::ops::Range;

use super::Tagger;
use super::features::{B_CUE, I_CUE, LABELS, O, Prepared, features};
use super::reading::{Reading, read_cue};
use super::rules::QuoteRules;
use super::words::spans_of;
use crate::perceptron::Fixed;
use crate::text::Tokens;

/// Token ranges of paragraphs: the cue tagger's sequences.
pub(super) fn paragraphs(t: &Tokens<'_>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=t.len() {
        if i == t.len() || t.tokens[i].paragraph != t.tokens[i - 1].paragraph {
            if start < i {
                out.push(start..i);
            }
            start = i;
        }
    }
    out
}

/// Biases added to the cue tagger's score for starting a cue, one decoding
/// each; a candidate's level is the first that proposes it.
/// The one at 50 adds about 0.003 to dev's overlap F1 (0.8285 to 0.8312)
/// and about 8% to the pipeline's time.
pub(crate) const LEVELS: [f32; 4] = [0.0, 15.0, 30.0, 50.0];

/// A cue the cue tagger proposes, read.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) reading: Reading,
    /// The index of the first bias in [`LEVELS`] whose decoding
    /// proposes the cue (0: the tagger's own best reading).
    pub(super) level: u8,
    /// The tagger's score for starting a cue at its first token, over
    /// the score for no cue there.
    pub(super) score: f32,
}

impl Candidate {
    /// Whether the classifier decides on it: the tagger's own cues stand,
    /// and a pushed cue with no source in reach is dropped.
    pub(super) fn weighed(&self) -> bool {
        self.level > 0 && self.reading.tagged_source
    }
}

/// Candidate cue spans (first, last token), each with its level and
/// score (see [`Candidate`]).
pub(super) fn find_cues(
    tagger: &Tagger,
    t: &Tokens<'_>,
    p: &Prepared,
) -> Vec<((usize, usize), u8, f32)> {
    let mut cues: Vec<((usize, usize), u8, f32)> = Vec::new();
    let mut spans = Vec::new();
    for range in paragraphs(t) {
        let f = features(t, p, range.clone());
        let em = tagger.cue.scores(&f);
        let from = cues.len();
        for (level, &b) in LEVELS.iter().enumerate() {
            let mut bias = [0.0; LABELS];
            bias[B_CUE] = b;
            spans.clear();
            spans_of(
                &tagger.cue.best(em.clone(), &Fixed::default(), &bias),
                range.start,
                (B_CUE, I_CUE),
                &mut spans,
            );
            for &c in &spans {
                if cues[from..].iter().all(|(s, _, _)| s.1 < c.0 || c.1 < s.0) {
                    let row = (c.0 - range.start) * LABELS;
                    let score = em[row + B_CUE] - em[row + O];
                    cues.push((c, level as u8, score));
                }
            }
        }
    }
    cues.sort_unstable_by_key(|c| c.0);
    cues
}

/// Every candidate cue, read; a pushed cue only with some content (the
/// tagger's own cues stay even without: a later quotation may take their
/// speaker, "“...” X said so.").
pub(super) fn candidates(
    tagger: &Tagger,
    t: &Tokens<'_>,
    p: &mut Prepared,
    runs: &[Option<u32>],
    rules: QuoteRules,
) -> Vec<Candidate> {
    let cues = find_cues(tagger, t, p);
    p.parse_cues(t, cues.iter().map(|c| c.0.0));
    let p = &*p;
    cues.into_iter()
        .map(|(cue, level, score)| Candidate {
            // Only a pushed candidate's reading is weighed.
            reading: read_cue(tagger, t, p, runs, rules, cue, level > 0),
            level,
            score,
        })
        .filter(|c| c.level == 0 || !c.reading.contents.is_empty())
        .collect()
}

/// For each candidate, whether its cue lies inside another's content.
pub(super) fn nested_flags(cands: &[Candidate]) -> Vec<bool> {
    cands
        .iter()
        .enumerate()
        .map(|(k, c)| {
            cands
                .iter()
                .enumerate()
                .any(|(j, o)| j != k && o.reading.holds_cue_of(&c.reading))
        })
        .collect()
}
