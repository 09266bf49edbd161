//! Second stage: given one cue, tag its source and content around it.
//! Every feature is relative to the cue, so two cues in one sentence get
//! their own readings of it.

use std::ops::Range;

use super::features::{Prepared, bucket};
use crate::perceptron::{Features, Fx};
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

pub(crate) fn features(
    t: &Tokens<'_>,
    p: &Prepared,
    runs: &[Option<u32>],
    range: Range<usize>,
    cf: usize,
    cl: usize,
) -> Features {
    let mut f = Features::default();
    let word = |i: isize| -> &str {
        if i < range.start as isize {
            "<s>"
        } else if i >= range.end as isize {
            "</s>"
        } else {
            &p.lower[i as usize]
        }
    };
    let tag = |i: isize| -> &str {
        if i < range.start as isize || i >= range.end as isize {
            "_"
        } else {
            p.pos[i as usize]
        }
    };
    let inq = |i: isize| -> &str {
        if i < range.start as isize || i >= range.end as isize {
            "_"
        } else if t.tokens[i as usize].in_quote {
            "q"
        } else {
            "n"
        }
    };
    let head = p.lower[cl].as_str();
    let cue_first = p.lower[cf].as_str();
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
    // Separators and competing cue words between each token and the cue.
    let n = range.len();
    let mut sep_between = vec![false; n];
    let mut cue_between = vec![false; n];
    {
        let (mut sep, mut cue) = (false, false);
        for i in (range.start..cf).rev() {
            sep_between[i - range.start] = sep;
            cue_between[i - range.start] = cue;
            if is_separator(t.str(i)) {
                sep = true;
            }
            if matches!(p.cue[i], 1 | 2) {
                cue = true;
            }
        }
        let (mut sep, mut cue) = (false, false);
        for i in cl + 1..range.end {
            sep_between[i - range.start] = sep;
            cue_between[i - range.start] = cue;
            if is_separator(t.str(i)) {
                sep = true;
            }
            if matches!(p.cue[i], 1 | 2) {
                cue = true;
            }
        }
    }
    for i in range.clone() {
        let ii = i as isize;
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
        let sep = u32::from(sep_between[i - range.start]);
        let comp = u32::from(cue_between[i - range.start]);
        let adj = u32::from(runs[i].is_some_and(|r| touching.contains(&r)));
        f.push(Fx::new(1).add(dir).id());
        f.push(Fx::new(27).add(dir).add_u(pdiff).add(q0).id());
        f.push(
            Fx::new(28)
                .add(dir)
                .add_u(pdiff)
                .add(after_cue)
                .add_u(sdiff)
                .id(),
        );
        f.push(Fx::new(2).add(w0).add(dir).id());
        f.push(Fx::new(3).add(word(ii - 1)).add(dir).id());
        f.push(Fx::new(4).add(word(ii + 1)).add(dir).id());
        f.push(Fx::new(5).add(t0).add(dir).id());
        f.push(Fx::new(6).add(tag(ii - 1)).add(t0).add(dir).id());
        f.push(Fx::new(7).add(t0).add(tag(ii + 1)).add(dir).id());
        f.push(Fx::new(8).add(p.shapes[i]).add(dir).id());
        f.push(Fx::new(9).add(dir).add_u(d).id());
        f.push(Fx::new(10).add(dir).add_u(sdiff).add(q0).id());
        f.push(Fx::new(11).add(dir).add_u(d).add(t0).id());
        f.push(Fx::new(12).add(head).add(dir).add_u(d.min(4)).id());
        f.push(Fx::new(13).add(head).add(dir).add_u(sdiff).id());
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
                .add(after_cue)
                .add(dir)
                .add_u(u32::from(i == cl + 1))
                .id(),
        );
        f.push(Fx::new(17).add(after_tag).add(dir).add_u(d.min(3)).id());
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
        f.push(Fx::new(21).add(before_cue).add(dir).add_u(d.min(3)).id());
        f.push(Fx::new(22).add_u(sep).add(t0).add(dir).id());
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
        f.push(Fx::new(25).add(cue_first).add(head).add(dir).id());
        f.push(Fx::new(26).add(w0).add(dir).add_u(d.min(3)).id());
        f.next();
    }
    f
}
