//! Label sequences from emission scores: pinned labels, Viterbi with a
//! beam for many labels, and what a reading would cost without a label.

use super::*;

/// A best label sequence with what [`Model::cost_without`] needs.
pub(crate) struct Decoding {
    pub(crate) path: Vec<usize>,
    pub(super) em: Vec<f32>,
    pub(super) best: f32,
}

pub(super) fn allowed_matrix(
    l: usize,
    allowed: &dyn Fn(Option<usize>, usize) -> bool,
) -> Vec<bool> {
    let mut ok = vec![false; (l + 1) * l];
    for p in 0..=l {
        for y in 0..l {
            ok[p * l + y] = allowed((p < l).then_some(p), y);
        }
    }
    ok
}

/// Labels pinned ahead of decoding.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Fixed<'a> {
    /// Per position: the only label it may take, if any.
    pub(crate) at: &'a [Option<usize>],
    /// A label no other position may take.
    pub(crate) reserved: Option<usize>,
}

impl Fixed<'_> {
    pub(super) fn apply(&self, em: &mut [f32], l: usize) {
        if self.at.is_empty() && self.reserved.is_none() {
            return;
        }
        for (i, row) in em.chunks_exact_mut(l).enumerate() {
            match self.at.get(i).copied().flatten() {
                Some(y) => {
                    for (k, e) in row.iter_mut().enumerate() {
                        if k != y {
                            *e = f32::NEG_INFINITY;
                        }
                    }
                }
                None => {
                    if let Some(r) = self.reserved {
                        row[r] = f32::NEG_INFINITY;
                    }
                }
            }
        }
    }
}

/// Previous labels kept per position for models with more than
/// `INLINE_LABELS` labels: a beam that keeps decoding cheap. Smaller
/// models are decoded exactly.
pub(super) const BEAM: usize = 4;

pub(super) fn viterbi(em: &[f32], l: usize, trans: &[f32], ok: &[bool]) -> Vec<usize> {
    viterbi_scored(em, l, trans, ok).0
}

/// The best path and its score.
pub(super) fn viterbi_scored(
    em: &[f32],
    l: usize,
    trans: &[f32],
    ok: &[bool],
) -> (Vec<usize>, f32) {
    let n = em.len() / l;
    if n == 0 {
        return (Vec::new(), 0.0);
    }
    SCRATCH.with(|cell| {
        let mut scratch = cell.borrow_mut();
        let (score, back) = &mut *scratch;
        score.clear();
        score.resize(n * l, f32::NEG_INFINITY);
        back.clear();
        back.resize(n * l, 0);
        let out = viterbi_in(em, l, trans, ok, score, back);
        // A very long sentence's tables are not kept for the rest of the
        // run.
        if score.len() > SCRATCH_KEPT {
            *scratch = (Vec::new(), Vec::new());
        }
        out
    })
}

/// Table entries up to which [`viterbi_scored`] keeps its tables.
pub(super) const SCRATCH_KEPT: usize = 1 << 16;

thread_local! {
    /// [`viterbi_scored`]'s tables, kept between calls: a span reading is
    /// decoded thousands of times an article, and tables of a few
    /// kilobytes are slow to allocate anew each time.
    static SCRATCH: std::cell::RefCell<(Vec<f32>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

pub(super) fn viterbi_in(
    em: &[f32],
    l: usize,
    trans: &[f32],
    ok: &[bool],
    score: &mut [f32],
    back: &mut [u8],
) -> (Vec<usize>, f32) {
    let n = em.len() / l;
    for y in 0..l {
        if ok[l * l + y] {
            score[y] = em[y] + trans[l * l + y];
        }
    }
    // Forbidden transitions score minus infinity, which no sum beats:
    // the same choices as skipping them, without a branch per pair. Small
    // label sets keep this and the beam on the stack: a span reading is
    // decoded thousands of times an article.
    let mut open_small = [0f32; INLINE_LABELS * INLINE_LABELS];
    let mut open_big = Vec::new();
    let open: &mut [f32] = if l <= INLINE_LABELS {
        &mut open_small[..l * l]
    } else {
        open_big.resize(l * l, 0.0);
        &mut open_big
    };
    for ((o, &t), &ok) in open.iter_mut().zip(&trans[..l * l]).zip(ok) {
        *o = if ok { t } else { f32::NEG_INFINITY };
    }
    let mut beam_at = [0usize; MAX_LABELS];
    for i in 1..n {
        let (done, rest) = score.split_at_mut(i * l);
        let prev = &done[(i - 1) * l..];
        let cur = &mut rest[..l];
        let mut width = 0;
        for (p, &s) in prev.iter().enumerate() {
            if s > f32::NEG_INFINITY {
                beam_at[width] = p;
                width += 1;
            }
        }
        let mut beam = &mut beam_at[..width];
        if l > INLINE_LABELS && beam.len() > BEAM {
            beam.select_nth_unstable_by(BEAM - 1, |&a, &b| {
                prev[b].total_cmp(&prev[a]).then(a.cmp(&b))
            });
            beam = &mut beam[..BEAM];
        }
        for y in 0..l {
            let e = em[i * l + y];
            if e == f32::NEG_INFINITY {
                // A pinned position: only its label is worth scoring.
                cur[y] = f32::NEG_INFINITY;
                continue;
            }
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for &p in beam.iter() {
                let s = prev[p] + open[p * l + y];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            cur[y] = best + e;
            back[i * l + y] = arg as u8;
        }
    }
    let mut y = (0..l)
        .max_by(|&a, &b| score[(n - 1) * l + a].total_cmp(&score[(n - 1) * l + b]))
        .unwrap_or(0);
    let total = score[(n - 1) * l + y];
    let mut path = vec![0; n];
    for i in (0..n).rev() {
        path[i] = y;
        y = back[i * l + y] as usize;
    }
    (path, total)
}
