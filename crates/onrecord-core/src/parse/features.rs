//! Features of a parser state (for the next move) and of an arc (for its
//! relation): the templates of Zhang and Nivre (2011) adapted to the
//! arc-hybrid system, over words, the tagger's tags, distances, valencies
//! and the nearest children.

use super::system::{NONE, State};
use crate::perceptron::{Features, Fx, hash};

/// Hashes of a sentence's words and tags; position `n` is the root.
pub(crate) struct Words<'a> {
    /// [`hash`] of each lowercased word.
    pub(crate) word: &'a [u64],
    /// [`hash`] of each tag.
    pub(crate) tag: &'a [u64],
}

const ROOT_WORD: u64 = hash("<root>");
const ROOT_TAG: u64 = hash("ROOT");
const NO_WORD: u64 = hash("<none>");

impl Words<'_> {
    fn n(&self) -> u32 {
        self.word.len() as u32
    }

    /// Word and tag hash of `i` (the root, or "none").
    fn at(&self, i: u32) -> (u64, u64) {
        if i == NONE {
            (NO_WORD, NO_WORD)
        } else if i >= self.n() {
            (ROOT_WORD, ROOT_TAG)
        } else {
            (self.word[i as usize], self.tag[i as usize])
        }
    }
}

/// A distance in words, in buckets: 1, 2, 3, 4, 5-7, 8+.
fn bucket(d: u32) -> u32 {
    match d {
        0..=4 => d,
        5..=7 => 5,
        _ => 6,
    }
}

/// The id of the next template (templates are numbered in the order
/// they are written) over `parts`.
fn template(t: &mut u8, parts: &[u64]) -> u32 {
    *t += 1;
    parts.iter().fold(Fx::new(*t), |fx, &p| fx.add_h(p)).id()
}

/// Features for choosing the next move in `st`.
pub(crate) fn moves(st: &State, w: &Words<'_>, out: &mut Vec<u32>) {
    out.clear();
    let (s0, s1, s2) = (st.s(0), st.s(1), st.s(2));
    let (n0, n1, n2) = (st.b(0), st.b(1), st.b(2));
    let left = |i: u32| st.left.get(i as usize);
    let right = |i: u32| st.right.get(i as usize);
    let s0l = left(s0).map_or(NONE, |s| s.outer);
    let s0l2 = left(s0).map_or(NONE, |s| s.second);
    let s0r = right(s0).map_or(NONE, |s| s.outer);
    let s0r2 = right(s0).map_or(NONE, |s| s.second);
    let s1l = left(s1).map_or(NONE, |s| s.outer);
    let s1r = right(s1).map_or(NONE, |s| s.outer);
    let n0l = left(n0).map_or(NONE, |s| s.outer);
    let n0l2 = left(n0).map_or(NONE, |s| s.second);
    let (s0w, s0t) = w.at(s0);
    let (s1w, s1t) = w.at(s1);
    let (_, s2t) = w.at(s2);
    let (n0w, n0t) = w.at(n0);
    let (n1w, n1t) = w.at(n1);
    let (n2w, n2t) = w.at(n2);
    let (s0lw, s0lt) = w.at(s0l);
    let (_, s0l2t) = w.at(s0l2);
    let (s0rw, s0rt) = w.at(s0r);
    let (_, s0r2t) = w.at(s0r2);
    let (s1lw, s1lt) = w.at(s1l);
    let (s1rw, s1rt) = w.at(s1r);
    let (n0lw, n0lt) = w.at(n0l);
    let (_, n0l2t) = w.at(n0l2);
    let dist = if s0 == NONE || n0 >= st.n {
        7
    } else {
        bucket(n0 - s0)
    };
    let dist1 = if s1 == NONE { 7 } else { bucket(s0 - s1) };
    let count = |side: Option<&super::system::Side>| side.map_or(0, |s| s.count.min(4));
    let (s0vl, s0vr) = (count(left(s0)), count(right(s0)));
    let (s1vr, n0vl) = (count(right(s1)), count(left(n0)));
    let mut t = 0u8;
    let mut f = |parts: &[u64]| out.push(template(&mut t, parts));
    let u = u64::from;
    f(&[]);
    // Single words.
    f(&[s0w, s0t]);
    f(&[s0w]);
    f(&[s0t]);
    f(&[n0w, n0t]);
    f(&[n0w]);
    f(&[n0t]);
    f(&[n1w, n1t]);
    f(&[n1w]);
    f(&[n1t]);
    f(&[n2w]);
    f(&[n2t]);
    f(&[s1w, s1t]);
    f(&[s1w]);
    f(&[s1t]);
    f(&[s2t]);
    // Pairs.
    f(&[s0w, s0t, n0w, n0t]);
    f(&[s0w, s0t, n0w]);
    f(&[s0w, n0w, n0t]);
    f(&[s0w, s0t, n0t]);
    f(&[s0t, n0w, n0t]);
    f(&[s0w, n0w]);
    f(&[s0t, n0t]);
    f(&[n0t, n1t]);
    f(&[n0w, n1w]);
    f(&[s1w, s1t, s0w, s0t]);
    f(&[s1w, s0w]);
    f(&[s1t, s0t]);
    f(&[s1w, s1t, s0t]);
    f(&[s1t, s0w, s0t]);
    f(&[s1w, n0w]);
    f(&[s1t, n0t]);
    // Three tags.
    f(&[n0t, n1t, n2t]);
    f(&[s0t, n0t, n1t]);
    f(&[s1t, s0t, n0t]);
    f(&[s2t, s1t, s0t]);
    f(&[s0t, s0lt, n0t]);
    f(&[s0t, s0rt, n0t]);
    f(&[s0t, n0t, n0lt]);
    f(&[s1t, s1rt, s0t]);
    f(&[s1t, s1lt, s0t]);
    f(&[s1t, s0t, s0rt]);
    f(&[s1t, s0t, s0lt]);
    // Distance.
    f(&[s0w, u(dist)]);
    f(&[s0t, u(dist)]);
    f(&[n0w, u(dist)]);
    f(&[n0t, u(dist)]);
    f(&[s0w, n0w, u(dist)]);
    f(&[s0t, n0t, u(dist)]);
    f(&[s1t, s0t, u(dist1)]);
    f(&[s1w, s0w, u(dist1)]);
    // Valency.
    f(&[s0w, u(s0vr)]);
    f(&[s0t, u(s0vr)]);
    f(&[s0w, u(s0vl)]);
    f(&[s0t, u(s0vl)]);
    f(&[n0w, u(n0vl)]);
    f(&[n0t, u(n0vl)]);
    f(&[s1t, u(s1vr)]);
    f(&[s1w, u(s1vr)]);
    // The nearest children.
    f(&[s0lw]);
    f(&[s0lt]);
    f(&[s0rw]);
    f(&[s0rt]);
    f(&[n0lw]);
    f(&[n0lt]);
    f(&[s1lw]);
    f(&[s1rw]);
    f(&[s1rt]);
    f(&[s0t, s0lt, s0l2t]);
    f(&[s0t, s0rt, s0r2t]);
    f(&[n0t, n0lt, n0l2t]);
    f(&[s0w, s0rt]);
    f(&[s0w, s0lt]);
    f(&[n0w, n0lt]);
    f(&[s1w, s1rt]);
    f(&[s0t, n0w, n1w]);
    f(&[s0w, n0t, n1t]);
    f(&[n2w, n1t, n0t]);
}

/// Each word's leftmost and rightmost children in a finished tree.
pub(crate) struct Children {
    pub(crate) left: Vec<[u32; 2]>,
    pub(crate) right: Vec<[u32; 2]>,
}

impl Children {
    /// `heads[i]` is `n` for the root's child.
    pub(crate) fn of(heads: &[u32]) -> Children {
        let n = heads.len();
        let mut left = vec![[NONE; 2]; n + 1];
        let mut right = vec![[NONE; 2]; n + 1];
        for (d, &h) in heads.iter().enumerate() {
            let (d, h) = (d as u32, h as usize);
            if h > n {
                continue;
            }
            if d < h as u32 {
                // Words come in order: the first left child seen is the
                // outermost.
                let l = &mut left[h];
                if l[0] == NONE {
                    l[0] = d;
                } else if l[1] == NONE {
                    l[1] = d;
                }
            } else {
                let r = &mut right[h];
                r[1] = r[0];
                r[0] = d;
            }
        }
        Children { left, right }
    }
}

/// Features of each word's arc, for its relation: one position per word.
pub(crate) fn relations(heads: &[u32], w: &Words<'_>, out: &mut Features) {
    out.clear();
    let n = heads.len() as u32;
    let kids = Children::of(heads);
    let head_of = |i: u32| heads.get(i as usize).copied().unwrap_or(NONE);
    for d in 0..n {
        let h = head_of(d);
        let (dw, dt) = w.at(d);
        let (hw, ht) = w.at(h);
        let (_, gt) = w.at(if h < n { head_of(h) } else { NONE });
        let dir = u64::from(d < h);
        let dist = u64::from(bucket(d.abs_diff(h).min(8)));
        let (_, pt) = w.at(d.checked_sub(1).unwrap_or(NONE));
        let (nw, nt) = w.at(if d + 1 < n { d + 1 } else { NONE });
        let dl = kids.left[d as usize];
        let dr = kids.right[d as usize];
        let (dlw, dlt) = w.at(dl[0]);
        let (dl2w, _) = w.at(dl[1]);
        let (drw, drt) = w.at(dr[0]);
        // The head's children nearest on the dependent's side.
        let hk = if h <= n {
            if d < h {
                kids.left[h as usize]
            } else {
                kids.right[h as usize]
            }
        } else {
            [NONE; 2]
        };
        let (hkw, hkt) = w.at(if hk[0] == d { hk[1] } else { hk[0] });
        // The head's other children just before it: auxiliaries, "to".
        let before = if h < n && h > 0 && head_of(h - 1) == h {
            h - 1
        } else {
            NONE
        };
        let (bw, _) = w.at(before);
        let mut t = 0u8;
        let mut f = |parts: &[u64]| out.push(template(&mut t, parts));
        f(&[]);
        f(&[dw]);
        f(&[dt]);
        f(&[dw, dt]);
        f(&[hw]);
        f(&[ht]);
        f(&[hw, ht]);
        f(&[dt, ht]);
        f(&[dw, ht]);
        f(&[dt, hw]);
        f(&[dw, hw]);
        f(&[dt, ht, dir]);
        f(&[dt, ht, dir, dist]);
        f(&[dw, dir]);
        f(&[dt, ht, gt]);
        f(&[dt, dir, gt]);
        f(&[dt, pt]);
        f(&[dt, nt]);
        f(&[dw, nw]);
        f(&[dt, ht, pt]);
        f(&[dlw, dt]);
        f(&[dlw, dt, ht]);
        f(&[dlw, dt, dir]);
        f(&[dlt, dt]);
        f(&[dl2w, dlw, dt]);
        f(&[drw, dt]);
        f(&[drt, dt]);
        f(&[dt, ht, hkt, dir]);
        f(&[dt, hkw, dir]);
        f(&[bw, dt, dir]);
        f(&[bw, hw, dt, dir]);
        f(&[dt, u64::from(dl[0] == NONE), u64::from(dr[0] == NONE), dir]);
        out.next();
    }
}
