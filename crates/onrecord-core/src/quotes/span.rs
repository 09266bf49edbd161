//! Second stage: given one cue, tag its source and content around it.
//! Every feature is relative to the cue, so two cues in one sentence get
//! their own readings of it.

use std::ops::Range;

use super::features::{Prepared, bucket};
use super::syntax::{cue_head, relation_name, tree_roles};
use crate::perceptron::{Features, Fx, tag_at, word_at};
use crate::text::Tokens;

pub(crate) const S_O: usize = 0;
pub(crate) const S_B_SRC: usize = 1;
pub(crate) const S_I_SRC: usize = 2;
pub(crate) const S_B_CON: usize = 3;
pub(crate) const S_I_CON: usize = 4;
pub(crate) const S_CUE: usize = 5;
pub(crate) const S_LABELS: usize = 6;

pub(crate) fn allowed(prev: Option<usize>, next: usize) -> bool {
    match next {
        S_I_SRC => matches!(prev, Some(S_B_SRC | S_I_SRC)),
        S_I_CON => matches!(prev, Some(S_B_CON | S_I_CON)),
        _ => true,
    }
}

/// Sentences either side of the cue's that the span tagger reads. Quotes
/// longer than that are completed from their quotation marks
/// ([`extend_to_marks`]).
pub(crate) const WINDOW_SENTENCES: usize = 1;

/// A content piece that reaches the window's edge inside quotation marks
/// goes on to the marks' end.
pub(crate) fn extend_to_marks(
    runs: &[Option<u32>],
    window: &Range<usize>,
    (mut first, mut last): (usize, usize),
) -> (usize, usize) {
    if first == window.start
        && let Some(run) = runs[first]
    {
        while first > 0 && runs[first - 1] == Some(run) {
            first -= 1;
        }
    }
    if last + 1 == window.end
        && let Some(run) = runs[last]
    {
        while last + 1 < runs.len() && runs[last + 1] == Some(run) {
            last += 1;
        }
    }
    (first, last)
}

/// The tokens a cue's source and content are looked for in: its sentence
/// and [`WINDOW_SENTENCES`] sentences either side (across paragraph breaks, which a
/// feature marks: a quote may open the paragraph after "X said:").
pub(crate) fn window(t: &Tokens<'_>, cue_first: usize, cue_last: usize) -> Range<usize> {
    let s0 = t.tokens[cue_first].sentence as usize;
    let s1 = t.tokens[cue_last].sentence as usize;
    let first = s0.saturating_sub(WINDOW_SENTENCES);
    let last = (s1 + WINDOW_SENTENCES).min(t.sentences.len() - 1);
    t.sentences[first].start..t.sentences[last].end
}

/// Contiguous runs of tokens inside quotation marks: a run id per token.
pub(crate) fn quote_runs(t: &Tokens<'_>) -> Vec<Option<u32>> {
    let mut out = Vec::with_capacity(t.len());
    let mut id = 0u32;
    let mut prev = false;
    for (i, tok) in t.tokens.iter().enumerate() {
        let opens = tok.in_quote
            && (!prev
                || (crate::text::is_double_mark(t.str(i)) && i > 0 && {
                    // A closing mark directly followed by an opening one.
                    let p = t.str(i - 1);
                    crate::text::is_double_mark(p)
                }));
        if opens {
            id += 1;
        }
        out.push(tok.in_quote.then_some(id));
        prev = tok.in_quote;
    }
    out
}

fn is_separator(w: &str) -> bool {
    matches!(w, "," | ":" | ";" | "—" | "–" | "(" | ")") || crate::text::is_double_mark(w)
}

/// The features of a cue's window `range` (cue tokens `cf..=cl`) into
/// `f`, which is cleared first: a buffer kept between readings.
pub(crate) fn features(
    f: &mut Features,
    t: &Tokens<'_>,
    p: &Prepared,
    runs: &[Option<u32>],
    range: Range<usize>,
    cf: usize,
    cl: usize,
) {
    f.clear();
    let word = |i: isize| word_at(&p.h_word, &range, i);
    let tag = |i: isize| tag_at(&p.h_tag, &range, i);
    let inq = |i: isize| -> &str {
        if i < range.start as isize || i >= range.end as isize {
            "_"
        } else if t.tokens[i as usize].in_quote {
            "q"
        } else {
            "n"
        }
    };
    let head = p.h_word[cl];
    let cue_first = p.h_word[cf];
    let cue_sent = i64::from(t.tokens[cf].sentence);
    let cue_para = i64::from(t.tokens[cf].paragraph);
    let cue_place = {
        let pos = p.sent_pos[cf];
        if pos == 0 {
            "first"
        } else if p.sent_pos[cl] + 1 >= p.sent_len[cl].saturating_sub(1) {
            "last"
        } else {
            "mid"
        }
    };
    let after_cue = word(cl as isize + 1);
    let after_tag = tag(cl as isize + 1);
    let before_cue = word(cf as isize - 1);
    // Quote runs touching the cue: ending just before it or opening just
    // after it (allowing a comma or colon between).
    let near = |k: usize| -> Option<u32> {
        let w = t.str(k);
        if is_separator(w) && !crate::text::is_double_mark(w) {
            None
        } else {
            runs[k]
        }
    };
    let mut touching: Vec<u32> = Vec::new();
    for k in cf.saturating_sub(3)..cf {
        if let Some(r) = near(k) {
            touching.push(r);
        }
    }
    for k in cl + 1..(cl + 4).min(t.len()) {
        if let Some(r) = near(k) {
            touching.push(r);
        }
    }
    // Separators, quotation marks and competing cue words between each
    // token and the cue: 1 = a comma, colon, dash or bracket, 2 = a
    // quotation mark, 3 = both.
    let n = range.len();
    let mut sep_between = vec![0u32; n];
    let mut cue_between = vec![false; n];
    let kind = |w: &str| {
        if crate::text::is_double_mark(w) {
            2
        } else if is_separator(w) {
            1
        } else {
            0
        }
    };
    {
        let (mut sep, mut cue) = (0u32, false);
        for i in (range.start..cf).rev() {
            sep_between[i - range.start] = sep;
            cue_between[i - range.start] = cue;
            sep |= kind(t.str(i));
            if matches!(p.cue[i], 1 | 2) {
                cue = true;
            }
        }
        let (mut sep, mut cue) = (0u32, false);
        for i in cl + 1..range.end {
            sep_between[i - range.start] = sep;
            cue_between[i - range.start] = cue;
            sep |= kind(t.str(i));
            if matches!(p.cue[i], 1 | 2) {
                cue = true;
            }
        }
    }
    // Base noun phrases from part-of-speech runs; the ones touching the
    // cue (across adverbs and auxiliaries) are where sources sit.
    let nominal = |i: usize| {
        matches!(
            p.pos[i],
            "DT" | "PRP$"
                | "JJ"
                | "JJR"
                | "JJS"
                | "NN"
                | "NNS"
                | "NNP"
                | "NNPS"
                | "CD"
                | "POS"
                | "PRP"
        ) || p.lower[i] == "." && p.shapes[i] == "Xx"
    };
    let mut chunk = vec![0u32; n];
    let mut id = 0;
    for i in range.clone() {
        if nominal(i) && !(cf..=cl).contains(&i) {
            if i == range.start || chunk[i - 1 - range.start] == 0 {
                id += 1;
            }
            chunk[i - range.start] = id;
        }
    }
    let chunk_at = |i: usize| -> u32 {
        if range.contains(&i) {
            chunk[i - range.start]
        } else {
            0
        }
    };
    let mut left = cf;
    while left > range.start && matches!(p.pos[left - 1], "RB" | "MD" | "VBZ" | "VBD" | "VBP") {
        left -= 1;
    }
    let left_chunk = if left > range.start {
        chunk_at(left - 1)
    } else {
        0
    };
    let right_chunk = chunk_at(cl + 1);
    let roles = tree_roles(t, p, &range, cf, cl);
    let cue_rel = relation_name(p, cue_head(p, cf, cl));
    for i in range.clone() {
        let ii = i as isize;
        let c = chunk_at(i);
        let touching_chunk = if c == 0 {
            "-"
        } else if c == left_chunk {
            "L"
        } else if c == right_chunk {
            "R"
        } else {
            "o"
        };
        let chunk_pos = if c == 0 {
            "-"
        } else {
            match (chunk_at(i.wrapping_sub(1)) == c, chunk_at(i + 1) == c) {
                (false, false) => "S",
                (false, true) => "B",
                (true, true) => "I",
                (true, false) => "E",
            }
        };
        let (dir, dist) = if i < cf {
            ("B", cf - i)
        } else if i > cl {
            ("A", i - cl)
        } else {
            ("C", 0)
        };
        let d = bucket(dist);
        let sdiff = (i64::from(t.tokens[i].sentence) - cue_sent).clamp(-2, 2) as u32;
        let pdiff = (i64::from(t.tokens[i].paragraph) - cue_para).clamp(-1, 1) as u32;
        let w0 = word(ii);
        let t0 = tag(ii);
        let q0 = inq(ii);
        let sep = sep_between[i - range.start];
        let comp = u32::from(cue_between[i - range.start]);
        let adj = u32::from(runs[i].is_some_and(|r| touching.contains(&r)));
        f.push(Fx::new(1).add(dir).id());
        f.push(Fx::new(29).add(touching_chunk).add(chunk_pos).add(dir).id());
        f.push(
            Fx::new(30)
                .add(touching_chunk)
                .add_h(tag(ii))
                .add_h(head)
                .id(),
        );
        f.push(Fx::new(31).add(chunk_pos).add(dir).add(q0).add_u(sep).id());
        f.push(Fx::new(27).add(dir).add_u(pdiff).add(q0).id());
        f.push(
            Fx::new(28)
                .add(dir)
                .add_u(pdiff)
                .add_h(after_cue)
                .add_u(sdiff)
                .id(),
        );
        f.push(Fx::new(2).add_h(w0).add(dir).id());
        f.push(Fx::new(3).add_h(word(ii - 1)).add(dir).id());
        f.push(Fx::new(4).add_h(word(ii + 1)).add(dir).id());
        f.push(Fx::new(5).add_h(t0).add(dir).id());
        f.push(Fx::new(6).add_h(tag(ii - 1)).add_h(t0).add(dir).id());
        f.push(Fx::new(7).add_h(t0).add_h(tag(ii + 1)).add(dir).id());
        f.push(Fx::new(8).add_h(p.h_shape[i]).add(dir).id());
        f.push(Fx::new(9).add(dir).add_u(d).id());
        f.push(Fx::new(10).add(dir).add_u(sdiff).add(q0).id());
        f.push(Fx::new(11).add(dir).add_u(d).add_h(t0).id());
        f.push(Fx::new(12).add_h(head).add(dir).add_u(d.min(4)).id());
        f.push(Fx::new(13).add_h(head).add(dir).add_u(sdiff).id());
        f.push(
            Fx::new(14)
                .add(dir)
                .add_u(sep)
                .add_u(comp)
                .add_u(sdiff)
                .id(),
        );
        f.push(Fx::new(15).add(dir).add_u(adj).add(q0).id());
        f.push(
            Fx::new(16)
                .add_h(after_cue)
                .add(dir)
                .add_u(u32::from(i == cl + 1))
                .id(),
        );
        f.push(Fx::new(17).add_h(after_tag).add(dir).add_u(d.min(3)).id());
        f.push(Fx::new(18).add(cue_place).add(dir).add_u(sep).id());
        f.push(
            Fx::new(19)
                .add(inq(ii - 1))
                .add(q0)
                .add(inq(ii + 1))
                .add(dir)
                .id(),
        );
        f.push(
            Fx::new(20)
                .add_u(u32::from(p.sent_pos[i] == 0))
                .add(dir)
                .add_u(sdiff)
                .add(q0)
                .id(),
        );
        f.push(Fx::new(21).add_h(before_cue).add(dir).add_u(d.min(3)).id());
        f.push(Fx::new(22).add_u(sep).add_h(t0).add(dir).id());
        f.push(
            Fx::new(23)
                .add_u(u32::from(p.cue[i]))
                .add(dir)
                .add_u(comp)
                .id(),
        );
        f.push(
            Fx::new(24)
                .add_u(u32::from(p.after_colon[i]))
                .add(dir)
                .add(q0)
                .id(),
        );
        f.push(Fx::new(25).add_h(cue_first).add_h(head).add(dir).id());
        f.push(Fx::new(26).add_h(w0).add(dir).add_u(d.min(3)).id());
        // Where the token stands in the cue's tree.
        let role = roles[i - range.start];
        let own = relation_name(p, i);
        f.push(Fx::new(50).add(role.name).add(dir).id());
        f.push(Fx::new(51).add(role.name).add(own).id());
        f.push(
            Fx::new(52)
                .add(role.name)
                .add_u(u32::from(role.top))
                .add_h(t0)
                .id(),
        );
        f.push(Fx::new(53).add(role.name).add_h(head).id());
        f.push(Fx::new(54).add(role.name).add(cue_rel).add(dir).id());
        f.push(Fx::new(55).add(role.name).add(q0).add_u(sep).id());
        f.next();
    }
}
