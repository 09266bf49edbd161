//! Third stage: is a cue, read with its source and content, an
//! attribution? The cue tagger proposes candidates at several levels of
//! push (a bias towards starting a cue); this classifier weighs each
//! candidate's level with what its reading found (a source and its kind,
//! the content's side, length, first word and quotation marks), which a
//! single threshold on the cue tagger's score cannot.
//!
//! Trained on candidates that cue and span taggers trained without them
//! proposed (k-fold, see `training`), so that it learns how the taggers
//! err on text they have not seen.

use super::Tagger;
use super::candidates::{Candidate, nested_flags};
use super::features::{Prepared, bucket};
use super::reading::Reading;
use crate::perceptron::{Features, Fx};
use crate::text::Tokens;

/// Labels of the classifier.
pub(crate) const DROP: usize = 0;
pub(crate) const KEEP: usize = 1;
pub(crate) const LABELS: usize = 2;

/// The part of speech of a span: a pronoun, a name, or another noun
/// phrase.
fn kind(p: &Prepared, (a, b): (usize, usize)) -> &'static str {
    if (a..=b).any(|i| p.pos[i] == "PRP") {
        "prp"
    } else if (a..=b).any(|i| matches!(p.pos[i], "NNP" | "NNPS")) {
        "nnp"
    } else {
        "np"
    }
}

/// Quoted share of tokens `a..=b`, in three classes.
fn quoted(t: &Tokens<'_>, (a, b): (usize, usize)) -> u32 {
    let share = super::words::quoted_share(t, a, b);
    if share >= 0.8 {
        2
    } else if share > 0.0 {
        1
    } else {
        0
    }
}

/// Features of one candidate. `nested`: its cue lies inside another
/// candidate's content.
pub(crate) fn features(t: &Tokens<'_>, p: &Prepared, c: &Candidate, nested: bool) -> Features {
    let mut f = Features::default();
    let r = &c.reading;
    let level = c.level;
    let (cf, cl) = r.cue;
    let lv = u32::from(level);
    let class = (cf..=cl)
        .map(|i| p.cue[i])
        .filter(|&c| c > 0)
        .min()
        .unwrap_or(0);
    let stem_class = (cf..=cl)
        .map(|i| p.stem_cue[i])
        .filter(|&c| c > 0)
        .min()
        .unwrap_or(0);
    let class = u32::from(class) * 4 + u32::from(stem_class);
    let len = (cl - cf + 1).min(4) as u32;
    let head = p.h_word[cl];
    let head_tag = p.h_tag[cl];
    let in_quote = u32::from(t.tokens[cf].in_quote);
    let sentence = t.tokens[cf].sentence as usize;
    let sentence_quoted = t
        .sentences
        .get(sentence)
        .is_some_and(|s| s.clone().any(|i| t.tokens[i].in_quote));
    let sentence_quoted = u32::from(sentence_quoted);
    let (src_kind, src_side, src_gap) = match r.source {
        None => ("none", "-", 0),
        Some((a, b)) => {
            let side = if a > cl { "A" } else { "B" };
            let gap = if a > cl { a - cl } else { cf.saturating_sub(b) };
            (kind(p, (a, b)), side, bucket(gap))
        }
    };
    let src_head = r.source.map_or(0, |(_, b)| p.h_word[b]);
    let main = r.contents.iter().copied().max_by_key(|&(a, b)| (b - a, a));
    let pieces = r.contents.len().min(3) as u32;
    let total: usize = r.contents.iter().map(|&(a, b)| b - a + 1).sum();
    let size = bucket(total);
    let (con_side, con_gap, con_first, con_tag, con_quoted) = match main {
        None => ("-", 0, 0, 0, 0),
        Some((a, b)) => {
            let side = if a > cl { "A" } else { "B" };
            let gap = if a > cl { a - cl } else { cf.saturating_sub(b) };
            (
                side,
                bucket(gap),
                p.h_word[a],
                p.h_tag[a],
                quoted(t, (a, b)),
            )
        }
    };
    let nested = u32::from(nested);
    f.push(Fx::new(1).id());
    f.push(Fx::new(2).add_u(lv).id());
    f.push(Fx::new(3).add_u(lv).add_u(class).id());
    f.push(Fx::new(4).add_h(head).id());
    f.push(Fx::new(5).add_h(head).add_u(lv).id());
    f.push(Fx::new(6).add_h(p.h_word[cf]).add_h(head).id());
    f.push(Fx::new(7).add_h(p.h_stem[cl]).id());
    f.push(Fx::new(8).add_h(head_tag).add_u(len).add_u(lv).id());
    f.push(Fx::new(9).add(src_kind).add(src_side).add_u(src_gap).id());
    f.push(
        Fx::new(10)
            .add(src_kind)
            .add(con_side)
            .add_u(con_quoted)
            .add_u(lv)
            .id(),
    );
    f.push(Fx::new(11).add_h(src_head).add(src_side).id());
    f.push(Fx::new(12).add_u(pieces).add_u(size).add_u(con_quoted).id());
    f.push(Fx::new(13).add(con_side).add_u(con_gap).add_u(lv).id());
    f.push(Fx::new(14).add_h(con_first).add(con_side).id());
    f.push(Fx::new(15).add_h(con_tag).add(con_side).add_u(con_gap).id());
    f.push(Fx::new(16).add_h(head).add(con_side).add_u(con_quoted).id());
    f.push(Fx::new(17).add_h(head).add(src_kind).id());
    f.push(
        Fx::new(18)
            .add_u(in_quote)
            .add_u(sentence_quoted)
            .add_u(con_quoted)
            .add_u(lv)
            .id(),
    );
    f.push(Fx::new(19).add_u(nested).add_u(lv).add_u(in_quote).id());
    f.push(Fx::new(20).add_u(class).add(src_kind).add_u(size).id());
    f.push(
        Fx::new(21)
            .add_u(u32::from(r.tagged_source))
            .add_u(lv)
            .add(con_side)
            .id(),
    );
    f.push(
        Fx::new(22)
            .add_h(head_tag)
            .add_h(con_tag)
            .add(con_side)
            .id(),
    );
    // How far the tagger was from proposing the cue on its own, in steps.
    let score = (c.score / 5.0).floor().clamp(-8.0, 2.0) as i32;
    f.push(Fx::new(23).add(&score.to_string()).id());
    f.push(Fx::new(24).add(&score.to_string()).add_u(class).id());
    let before = if cf > 0 { p.h_word[cf - 1] } else { 0 };
    let after = p.h_word.get(cl + 1).copied().unwrap_or(0);
    f.push(Fx::new(25).add_h(before).add_u(lv).id());
    f.push(Fx::new(26).add_h(after).add(con_side).id());
    f.push(Fx::new(27).add_h(head).add(src_kind).add(src_side).id());
    // The span tagger's confidence in the content and the source.
    let steps = |x: f32| ((x / 4.0).floor().clamp(-1.0, 12.0) as i32).to_string();
    let (cc, sc) = (steps(r.content_cost), steps(r.source_cost));
    f.push(Fx::new(28).add(&cc).id());
    f.push(Fx::new(29).add(&sc).id());
    f.push(Fx::new(30).add(&cc).add(&sc).id());
    f.push(Fx::new(31).add(&cc).add_u(lv).id());
    f.push(Fx::new(32).add(&sc).add(src_kind).id());
    f.next();
    f
}

/// The candidates that stand: the tagger's own, and the pushed ones the
/// classifier keeps.
pub(super) fn keep(
    tagger: &Tagger,
    t: &Tokens<'_>,
    p: &Prepared,
    cands: Vec<Candidate>,
) -> Vec<Reading> {
    let nested = nested_flags(&cands);
    cands
        .into_iter()
        .zip(nested)
        .filter(|(c, nested)| {
            if c.level == 0 {
                return true;
            }
            let Some((model, threshold)) = &tagger.filter else {
                return true;
            };
            c.weighed() && model.margin(&features(t, p, c, *nested), KEEP) > *threshold
        })
        .map(|(c, _)| c.reading)
        .collect()
}
