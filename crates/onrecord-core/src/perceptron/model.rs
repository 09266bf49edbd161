//! A trained model: its weights in memory and on disk, emissions, and
//! the decodings that read them.

use super::*;

/// A trained model: emission weights per feature and label, transition
/// weights per label pair (row `labels` is the start state).
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub(super) labels: usize,
    pub(super) weights: Weights,
    pub(super) transitions: Vec<f32>,
    /// Allowed transitions, `(labels + 1) x labels` (row `labels`: start).
    pub(super) ok: Vec<bool>,
    /// Free text stored with the weights (lexicons the features need).
    pub(crate) extra: String,
}

/// Models with at most this many labels keep all of a feature's weights
/// inline in its hash slot: one cache miss per feature lookup, which is
/// what tagging time is spent on.
pub(super) const INLINE_LABELS: usize = 18;

/// The most labels a model may have (checked when one is read).
pub(super) const MAX_LABELS: usize = 64;

/// Asks the CPU to bring the cache line holding `slot` in, without
/// waiting for it. Weight lookups are random reads from tables larger
/// than the caches; fetching slots ahead lets their misses overlap,
/// which took the whole pipeline from about 350 to 430-450 articles/s on
/// PolNeAR dev on one core here (a plain load in its place stalls the
/// CPU until it arrives, and gained half as much).
#[inline(always)]
pub(super) fn prefetch(slot: &u16) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    // SAFETY: `_mm_prefetch` is unsafe only for needing SSE, which every
    // x86_64 CPU has; a prefetch is a hint that never faults and reads
    // nothing the program sees, and the address comes from a reference.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(slot).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    std::hint::black_box(*slot);
}

/// How many lookups ahead [`Model::emissions`] fetches a slot.
pub(super) const PREFETCH_AHEAD: usize = 64;

#[derive(Debug, Clone)]
pub(super) enum Weights {
    Inline(Inline),
    /// Feature id -> `start << 8 | len` into `rows`: only the labels with
    /// a non-zero weight are kept (for the 45 part-of-speech tags).
    Sparse {
        index: IdMap<u64>,
        rows: Vec<(u8, f32)>,
    },
}

/// An open-addressing table (linear probing) whose slot is the feature id
/// (two `u16`s, 0 = empty) followed by one quantised weight per label.
#[derive(Debug, Clone)]
pub(super) struct Inline {
    pub(super) slots: Vec<u16>,
    pub(super) stride: usize,
    pub(super) mask: usize,
    pub(super) scale: f32,
}

impl Inline {
    pub(super) fn new(features: usize, labels: usize, scale: f32) -> Inline {
        let size = (features * 2).max(16).next_power_of_two();
        let stride = labels + 2;
        Inline {
            slots: vec![0; size * stride],
            stride,
            mask: size - 1,
            scale,
        }
    }

    pub(super) fn home(&self, id: u32) -> usize {
        ((u64::from(id).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize) & self.mask
    }

    pub(super) fn insert(&mut self, id: u32, weights: &[i16]) {
        let mut i = self.home(id);
        loop {
            let at = i * self.stride;
            let key = u32::from(self.slots[at]) | (u32::from(self.slots[at + 1]) << 16);
            if key == 0 || key == id {
                self.slots[at] = id as u16;
                self.slots[at + 1] = (id >> 16) as u16;
                for (slot, &w) in self.slots[at + 2..at + self.stride].iter_mut().zip(weights) {
                    *slot = w as u16;
                }
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Emission scores (row-major, `out` sized) of `feats`. `L` is the
    /// label count, or 0 for any count.
    pub(super) fn emissions<const L: usize>(&self, feats: &Features, out: &mut [f32]) {
        let l = self.stride - 2;
        let mut acc = [0i32; INLINE_LABELS];
        // The CPU is asked to fetch each id's home slot into cache
        // PREFETCH_AHEAD lookups before it is looked up: the misses
        // overlap with each other and with the lookups in between.
        let ids = &feats.ids;
        for &id in ids.iter().take(PREFETCH_AHEAD) {
            prefetch(&self.slots[self.home(id) * self.stride]);
        }
        let mut k = 0;
        for pos in 0..feats.len() {
            acc.fill(0);
            for &id in feats.at(pos) {
                if let Some(&ahead) = ids.get(k + PREFETCH_AHEAD) {
                    prefetch(&self.slots[self.home(ahead) * self.stride]);
                }
                k += 1;
                let Some(ws) = self.get(id) else { continue };
                match <&[u16; L]>::try_from(ws) {
                    // A fixed count: the compiler unrolls the sum.
                    Ok(fixed) if L > 0 => {
                        for (a, &w) in acc.iter_mut().zip(fixed) {
                            *a += i32::from(w as i16);
                        }
                    }
                    _ => {
                        for (a, &w) in acc.iter_mut().zip(ws) {
                            *a += i32::from(w as i16);
                        }
                    }
                }
            }
            for (o, &a) in out[pos * l..(pos + 1) * l].iter_mut().zip(&acc) {
                *o = a as f32 * self.scale;
            }
        }
    }

    pub(super) fn get(&self, id: u32) -> Option<&[u16]> {
        let mut i = self.home(id);
        loop {
            let at = i * self.stride;
            let key = u32::from(self.slots[at]) | (u32::from(self.slots[at + 1]) << 16);
            if key == id {
                return Some(&self.slots[at + 2..at + self.stride]);
            }
            if key == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

pub(super) const MAGIC: &[u8; 4] = b"ORP2";

#[derive(Debug, thiserror::Error)]
#[error("model file is malformed: {0}")]
pub(crate) struct ModelError(pub(crate) &'static str);

pub(super) struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    pub(super) fn take(&mut self, n: usize) -> Result<&[u8], ModelError> {
        if self.0.len() < n {
            return Err(ModelError("truncated"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    pub(super) fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub(super) fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_bits(self.u32()?))
    }
}

impl Model {
    pub(crate) fn labels(&self) -> usize {
        self.labels
    }

    /// Parses a model written by [`Model::to_bytes`].
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut c = Cursor(bytes);
        if c.take(4)? != MAGIC {
            return Err(ModelError("bad magic"));
        }
        let labels = c.u32()? as usize;
        if labels == 0 || labels > MAX_LABELS {
            return Err(ModelError("bad label count"));
        }
        let features = c.u32()? as usize;
        let scale = c.f32()?;
        let mut transitions = Vec::with_capacity((labels + 1) * labels);
        for _ in 0..(labels + 1) * labels {
            transitions.push(c.f32()?);
        }
        let extra_len = c.u32()? as usize;
        let extra = std::str::from_utf8(c.take(extra_len)?)
            .map_err(|_| ModelError("extra text is not UTF-8"))?
            .to_owned();
        if features > 1 << 26 {
            return Err(ModelError("too many features"));
        }
        let mut inline = (labels <= INLINE_LABELS).then(|| Inline::new(features, labels, scale));
        let mut index = IdMap::default();
        let mut rows = Vec::new();
        let mut dense = vec![0i16; labels];
        for _ in 0..features {
            let id = c.u32()?;
            if id == 0 {
                return Err(ModelError("feature id 0"));
            }
            // Sparse row: a count, then (label, weight) pairs.
            let n = usize::from(c.take(1)?[0]);
            let start = rows.len();
            dense.fill(0);
            for pair in c.take(3 * n)?.chunks_exact(3) {
                let y = usize::from(pair[0]);
                if y >= labels {
                    return Err(ModelError("label out of range"));
                }
                let w = i16::from_le_bytes([pair[1], pair[2]]);
                dense[y] = w;
                if inline.is_none() {
                    rows.push((pair[0], f32::from(w) * scale));
                }
            }
            match &mut inline {
                Some(table) => table.insert(id, &dense),
                None => {
                    index.insert(id, ((start as u64) << 8) | n as u64);
                }
            }
        }
        if !c.0.is_empty() {
            return Err(ModelError("trailing bytes"));
        }
        let weights = match inline {
            Some(table) => Weights::Inline(table),
            None => Weights::Sparse { index, rows },
        };
        Ok(Model {
            labels,
            weights,
            ok: vec![true; (labels + 1) * labels],
            transitions,
            extra,
        })
    }

    pub(super) fn emissions(&self, feats: &Features, out: &mut Vec<f32>) {
        let l = self.labels;
        out.clear();
        out.resize(feats.len() * l, 0.0);
        match &self.weights {
            // The label counts of the block, quote, entity and
            // part-of-speech models get their own unrolled sums.
            Weights::Inline(table) => match l {
                2 => table.emissions::<2>(feats, out),
                3 => table.emissions::<3>(feats, out),
                6 => table.emissions::<6>(feats, out),
                9 => table.emissions::<9>(feats, out),
                18 => table.emissions::<18>(feats, out),
                _ => table.emissions::<0>(feats, out),
            },
            Weights::Sparse { index, rows } => {
                for i in 0..feats.len() {
                    let row = &mut out[i * l..(i + 1) * l];
                    for id in feats.at(i) {
                        if let Some(&packed) = index.get(id) {
                            let start = (packed >> 8) as usize;
                            let len = (packed & 0xff) as usize;
                            for &(y, w) in &rows[start..start + len] {
                                row[usize::from(y)] += w;
                            }
                        }
                    }
                }
            }
        }
    }

    /// Forbids transitions: `allowed(prev, next)` (`prev` is `None` at
    /// the start).
    pub(crate) fn with_allowed(mut self, allowed: &dyn Fn(Option<usize>, usize) -> bool) -> Model {
        self.ok = allowed_matrix(self.labels, allowed);
        self
    }

    /// The best label sequence.
    #[cfg(test)]
    pub(crate) fn decode(&self, feats: &Features) -> Vec<usize> {
        self.decode_fixed(feats, &Fixed::default(), &[])
    }

    /// The best label sequence where `fixed` pins labels, with `bias[label]`
    /// added to every position's score for that label (trading precision
    /// for recall).
    pub(crate) fn decode_fixed(
        &self,
        feats: &Features,
        fixed: &Fixed<'_>,
        bias: &[f32],
    ) -> Vec<usize> {
        let mut em = Vec::new();
        self.emissions(feats, &mut em);
        self.best(em, fixed, bias)
    }

    /// [`Model::scores`] into a buffer kept between calls: a parser
    /// scores every one of its moves.
    pub(crate) fn scores_into(&self, feats: &Features, out: &mut Vec<f32>) {
        self.emissions(feats, out);
    }

    /// Emission scores of every position and label (row-major).
    pub(crate) fn scores(&self, feats: &Features) -> Vec<f32> {
        let mut em = Vec::new();
        self.emissions(feats, &mut em);
        em
    }

    /// The best label sequence where `fixed` pins labels, kept with its
    /// score and emissions for [`Model::cost_without`].
    pub(crate) fn decode_scored(&self, feats: &Features, fixed: &Fixed<'_>) -> Decoding {
        let mut em = Vec::new();
        self.emissions(feats, &mut em);
        fixed.apply(&mut em, self.labels);
        let (path, best) = viterbi_scored(&em, self.labels, &self.transitions, &self.ok);
        Decoding { path, em, best }
    }

    /// How much the best sequence of `d` loses without `labels`: its
    /// score less that of the best sequence using none of them.
    pub(crate) fn cost_without(&self, d: &Decoding, labels: &[usize]) -> f32 {
        let l = self.labels;
        let mut e = d.em.clone();
        for row in e.chunks_exact_mut(l) {
            for &y in labels {
                row[y] = f32::NEG_INFINITY;
            }
        }
        let (_, s) = viterbi_scored(&e, l, &self.transitions, &self.ok);
        d.best - s
    }

    /// For a classifier (a model of one-position sequences): the score of
    /// `label` minus the best other label's, start transitions included.
    pub(crate) fn margin(&self, feats: &Features, label: usize) -> f32 {
        let mut em = Vec::new();
        self.emissions(feats, &mut em);
        let l = self.labels;
        let score = |y: usize| em[y] + self.transitions[l * l + y];
        let other = (0..l)
            .filter(|&y| y != label)
            .map(score)
            .fold(f32::NEG_INFINITY, f32::max);
        score(label) - other
    }

    /// The best label sequence for emission scores from [`Model::scores`].
    pub(crate) fn best(&self, mut em: Vec<f32>, fixed: &Fixed<'_>, bias: &[f32]) -> Vec<usize> {
        if !bias.is_empty() {
            for row in em.chunks_exact_mut(self.labels) {
                for (e, b) in row.iter_mut().zip(bias) {
                    *e += b;
                }
            }
        }
        fixed.apply(&mut em, self.labels);
        viterbi(&em, self.labels, &self.transitions, &self.ok)
    }
}

impl Model {
    /// A label sequence chosen left to right, each label the best given
    /// the one before it: a first-order model read greedily, for many
    /// labels over long sequences where Viterbi's square of the labels
    /// per position costs too much (a parser's relations).
    pub(crate) fn greedy_fixed(
        &self,
        feats: &Features,
        fixed: &Fixed<'_>,
        em: &mut Vec<f32>,
    ) -> Vec<usize> {
        let l = self.labels;
        self.emissions(feats, em);
        fixed.apply(em, l);
        let mut out = Vec::with_capacity(em.len() / l.max(1));
        let mut prev = l;
        for row in em.chunks_exact(l) {
            let trans = &self.transitions[prev * l..(prev + 1) * l];
            let ok = &self.ok[prev * l..(prev + 1) * l];
            let mut best = (f32::NEG_INFINITY, 0);
            for (y, ((&e, &t), &ok)) in row.iter().zip(trans).zip(ok).enumerate() {
                let s = e + t;
                if ok && s > best.0 {
                    best = (s, y);
                }
            }
            out.push(best.1);
            prev = best.1;
        }
        out
    }
}

/// Serialises a linear model trained elsewhere (see [`crate::logistic`])
/// in this module's format, so that [`Model`] reads and decodes it:
/// `weights[k * labels + y]` is the weight of feature `ids[k]` for label
/// `y`; transitions are `(labels + 1) x labels`, row `labels` the start.
pub(crate) fn linear_bytes(
    labels: usize,
    ids: &[u32],
    weights: Vec<f32>,
    transitions: Vec<f32>,
) -> Vec<u8> {
    let mut index = IdMap::default();
    for (k, &id) in ids.iter().enumerate() {
        index.insert(id, k as u32);
    }
    Dense {
        labels,
        index,
        weights,
        transitions,
        extra: String::new(),
    }
    .to_bytes()
}

/// Averaged weights straight out of training, before quantisation.
pub(super) struct Dense {
    pub(super) labels: usize,
    pub(super) index: IdMap<u32>,
    pub(super) weights: Vec<f32>,
    pub(super) transitions: Vec<f32>,
    pub(super) extra: String,
}

impl Dense {
    /// Serialises the model: weights quantised to 16 bits, features in id
    /// order, so the same weights always give the same bytes.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut ids: Vec<(u32, u32)> = self.index.iter().map(|(&id, &k)| (id, k)).collect();
        ids.sort_unstable();
        let l = self.labels;
        let quant = |w: f32| (w / scale).round().clamp(-32767.0, 32767.0) as i16;
        let kept: Vec<(u32, u32)> = ids
            .into_iter()
            .filter(|&(_, k)| {
                let k = k as usize;
                self.weights[k * l..(k + 1) * l]
                    .iter()
                    .any(|&w| quant(w) != 0)
            })
            .collect();
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(l as u32).to_le_bytes());
        out.extend_from_slice(&(kept.len() as u32).to_le_bytes());
        out.extend_from_slice(&scale.to_bits().to_le_bytes());
        for t in &self.transitions {
            out.extend_from_slice(&t.to_bits().to_le_bytes());
        }
        out.extend_from_slice(&(self.extra.len() as u32).to_le_bytes());
        out.extend_from_slice(self.extra.as_bytes());
        for (id, k) in kept {
            out.extend_from_slice(&id.to_le_bytes());
            let k = k as usize;
            let row: Vec<(u8, i16)> = self.weights[k * l..(k + 1) * l]
                .iter()
                .enumerate()
                .map(|(y, &w)| (y as u8, quant(w)))
                .filter(|&(_, q)| q != 0)
                .collect();
            out.push(row.len() as u8);
            for (y, q) in row {
                out.push(y);
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
        out
    }
}
