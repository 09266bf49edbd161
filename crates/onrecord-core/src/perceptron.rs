//! A structured averaged perceptron (Collins 2002) over hashed features with
//! first-order label transitions and Viterbi decoding.
//!
//! Written here because the crates that do this (`crfs`, `perceptron`) either
//! train nothing in Rust or cannot load a compact, deterministic weight file
//! we build and commit ourselves; the whole thing is ~300 lines and training
//! is bit-for-bit reproducible (fixed order, no threads, no randomness beyond
//! a seeded shuffle).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Feature ids are already hashes: hash them no further.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        // Spread the bits: the map uses the low bits for buckets.
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type IdMap<V> = HashMap<u32, V, BuildHasherDefault<IdHasher>>;

/// Builds a feature id from a template number and string parts (FNV-1a).
#[derive(Clone, Copy)]
pub(crate) struct Fx(u64);

impl Fx {
    pub(crate) fn new(template: u8) -> Fx {
        Fx((0xcbf2_9ce4_8422_2325 ^ u64::from(template)).wrapping_mul(0x0100_0000_01b3))
    }
    pub(crate) fn add(mut self, part: &str) -> Fx {
        for &b in part.as_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x0100_0000_01b3);
        self
    }
    /// Adds a part given by its [`hash`]: cheaper than hashing the same
    /// word again for every template.
    pub(crate) fn add_h(mut self, h: u64) -> Fx {
        self.0 = (self.0 ^ h)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
        self
    }

    pub(crate) fn add_u(self, n: u32) -> Fx {
        let mut s = self;
        for b in n.to_le_bytes() {
            s.0 = (s.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        s
    }
    /// The id; never 0, which marks an empty slot in [`Inline`].
    pub(crate) fn id(self) -> u32 {
        ((self.0 ^ (self.0 >> 32)) as u32).max(1)
    }
}

/// A 64-bit hash of a feature part, for [`Fx::add_h`].
pub(crate) const fn hash(s: &str) -> u64 {
    let bytes = s.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h ^ (h >> 29)
}

/// Hashes of the sequence edges and of "no token".
const BEFORE: u64 = hash("<s>");
const AFTER: u64 = hash("</s>");
const NOTHING: u64 = hash("_");

/// The hash at position `i` of a sequence covering `range`, or the edge
/// marker for positions before or after it.
pub(crate) fn word_at(hashes: &[u64], range: &std::ops::Range<usize>, i: isize) -> u64 {
    if i < range.start as isize {
        BEFORE
    } else if i >= range.end as isize {
        AFTER
    } else {
        hashes[i as usize]
    }
}

/// The hash at position `i` within `range`, or "no token" outside it.
pub(crate) fn tag_at(hashes: &[u64], range: &std::ops::Range<usize>, i: isize) -> u64 {
    if i < range.start as isize || i >= range.end as isize {
        NOTHING
    } else {
        hashes[i as usize]
    }
}

/// Features of a sequence: for each position, a run of feature ids.
#[derive(Debug, Default, Clone)]
pub(crate) struct Features {
    ids: Vec<u32>,
    ends: Vec<u32>,
}

impl Features {
    /// Room for `positions` positions of `per` ids each.
    pub(crate) fn with_capacity(positions: usize, per: usize) -> Features {
        Features {
            ids: Vec::with_capacity(positions * per),
            ends: Vec::with_capacity(positions),
        }
    }

    pub(crate) fn push(&mut self, id: u32) {
        self.ids.push(id);
    }
    /// Empties it, keeping its room.
    pub(crate) fn clear(&mut self) {
        self.ids.clear();
        self.ends.clear();
    }
    /// Room it holds for ids.
    pub(crate) fn capacity(&self) -> usize {
        self.ids.capacity()
    }
    /// Closes the current position.
    pub(crate) fn next(&mut self) {
        self.ends.push(self.ids.len() as u32);
    }
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
    /// Every feature id, positions concatenated.
    pub(crate) fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// The same positions with only the features `keep` accepts.
    pub(crate) fn filtered(&self, keep: &dyn Fn(u32) -> bool) -> Features {
        let mut out = Features::default();
        for i in 0..self.len() {
            for &id in self.at(i) {
                if keep(id) {
                    out.push(id);
                }
            }
            out.next();
        }
        out
    }

    pub(crate) fn at(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.ids[start..self.ends[i] as usize]
    }
}

/// A trained model: emission weights per feature and label, transition
/// weights per label pair (row `labels` is the start state).
#[derive(Debug, Clone)]
pub(crate) struct Model {
    labels: usize,
    weights: Weights,
    transitions: Vec<f32>,
    /// Allowed transitions, `(labels + 1) x labels` (row `labels`: start).
    ok: Vec<bool>,
    /// Free text stored with the weights (lexicons the features need).
    pub(crate) extra: String,
}

/// Models with at most this many labels keep all of a feature's weights
/// inline in its hash slot: one cache miss per feature lookup, which is
/// what tagging time is spent on.
const INLINE_LABELS: usize = 18;

/// The most labels a model may have (checked when one is read).
const MAX_LABELS: usize = 64;

/// Asks the CPU to bring the cache line holding `slot` in, without
/// waiting for it. Weight lookups are random reads from tables larger
/// than the caches; fetching slots ahead lets their misses overlap,
/// which took the whole pipeline from about 350 to 430-450 articles/s on
/// PolNeAR dev on one core here (a plain load in its place stalls the
/// CPU until it arrives, and gained half as much).
#[inline(always)]
fn prefetch(slot: &u16) {
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
const PREFETCH_AHEAD: usize = 64;

#[derive(Debug, Clone)]
enum Weights {
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
struct Inline {
    slots: Vec<u16>,
    stride: usize,
    mask: usize,
    scale: f32,
}

impl Inline {
    fn new(features: usize, labels: usize, scale: f32) -> Inline {
        let size = (features * 2).max(16).next_power_of_two();
        let stride = labels + 2;
        Inline {
            slots: vec![0; size * stride],
            stride,
            mask: size - 1,
            scale,
        }
    }

    fn home(&self, id: u32) -> usize {
        ((u64::from(id).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize) & self.mask
    }

    fn insert(&mut self, id: u32, weights: &[i16]) {
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
    fn emissions<const L: usize>(&self, feats: &Features, out: &mut [f32]) {
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

    fn get(&self, id: u32) -> Option<&[u16]> {
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

const MAGIC: &[u8; 4] = b"ORP2";

#[derive(Debug, thiserror::Error)]
#[error("model file is malformed: {0}")]
pub(crate) struct ModelError(pub(crate) &'static str);

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], ModelError> {
        if self.0.len() < n {
            return Err(ModelError("truncated"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
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

    fn emissions(&self, feats: &Features, out: &mut Vec<f32>) {
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

/// A best label sequence with what [`Model::cost_without`] needs.
pub(crate) struct Decoding {
    pub(crate) path: Vec<usize>,
    em: Vec<f32>,
    best: f32,
}

fn allowed_matrix(l: usize, allowed: &dyn Fn(Option<usize>, usize) -> bool) -> Vec<bool> {
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
    fn apply(&self, em: &mut [f32], l: usize) {
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
struct Dense {
    labels: usize,
    index: IdMap<u32>,
    weights: Vec<f32>,
    transitions: Vec<f32>,
    extra: String,
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

/// Previous labels kept per position for models with more than
/// `INLINE_LABELS` labels: a beam that keeps decoding cheap. Smaller
/// models are decoded exactly.
const BEAM: usize = 4;

fn viterbi(em: &[f32], l: usize, trans: &[f32], ok: &[bool]) -> Vec<usize> {
    viterbi_scored(em, l, trans, ok).0
}

/// The best path and its score.
fn viterbi_scored(em: &[f32], l: usize, trans: &[f32], ok: &[bool]) -> (Vec<usize>, f32) {
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
const SCRATCH_KEPT: usize = 1 << 16;

thread_local! {
    /// [`viterbi_scored`]'s tables, kept between calls: a span reading is
    /// decoded thousands of times an article, and tables of a few
    /// kilobytes are slow to allocate anew each time.
    static SCRATCH: std::cell::RefCell<(Vec<f32>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

fn viterbi_in(
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

/// Trains a model on `(features, gold labels)` sequences.
#[derive(Clone)]
pub(crate) struct Trainer {
    labels: usize,
    index: IdMap<u32>,
    weights: Vec<f32>,
    /// Sum of `step * update`, for averaging (Daumé's trick).
    acc: Vec<f64>,
    transitions: Vec<f32>,
    trans_acc: Vec<f64>,
    ok: Vec<bool>,
    step: f64,
}

impl Trainer {
    pub(crate) fn new(labels: usize, allowed: &dyn Fn(Option<usize>, usize) -> bool) -> Trainer {
        Trainer {
            ok: allowed_matrix(labels, allowed),
            labels,
            index: IdMap::default(),
            weights: Vec::new(),
            acc: Vec::new(),
            transitions: vec![0.0; (labels + 1) * labels],
            trans_acc: vec![0.0; (labels + 1) * labels],
            step: 1.0,
        }
    }

    fn slot(&mut self, id: u32) -> usize {
        let next = self.index.len() as u32;
        let k = *self.index.entry(id).or_insert(next) as usize;
        if k == next as usize {
            self.weights.extend(std::iter::repeat_n(0.0, self.labels));
            self.acc.extend(std::iter::repeat_n(0.0, self.labels));
        }
        k
    }

    fn update(&mut self, id: u32, label: usize, delta: f32) {
        let k = self.slot(id) * self.labels + label;
        self.weights[k] += delta;
        self.acc[k] += self.step * f64::from(delta);
    }

    /// Scores of each label for one position's features (a classifier's
    /// decision during training), into `out`.
    pub(crate) fn score_one(&self, ids: &[u32], out: &mut [f32]) {
        let l = self.labels;
        out.fill(0.0);
        for id in ids {
            if let Some(&k) = self.index.get(id) {
                let row = &self.weights[k as usize * l..(k as usize + 1) * l];
                for (o, w) in out.iter_mut().zip(row) {
                    *o += w;
                }
            }
        }
    }

    /// A classifier's perceptron update: `gold` up, `pred` down. Call
    /// [`Trainer::tick`] once per decision, right or wrong, for averaging.
    pub(crate) fn update_one(&mut self, ids: &[u32], gold: usize, pred: usize) {
        if gold == pred {
            return;
        }
        for &id in ids {
            self.update(id, gold, 1.0);
            self.update(id, pred, -1.0);
        }
    }

    /// Counts one decision, for averaging.
    pub(crate) fn tick(&mut self) {
        self.step += 1.0;
    }

    /// One perceptron step on a sequence; returns the number of wrong
    /// labels.
    pub(crate) fn learn(&mut self, feats: &Features, gold: &[usize], fixed: &Fixed<'_>) -> usize {
        self.learn_weighted(feats, gold, fixed, None)
    }

    /// [`Trainer::learn`] where a mistake at position `i` moves the
    /// weights by `weights[i]` instead of 1 (cost-sensitive: a long
    /// paragraph wrongly dropped costs more than a one-word link).
    pub(crate) fn learn_weighted(
        &mut self,
        feats: &Features,
        gold: &[usize],
        fixed: &Fixed<'_>,
        weights: Option<&[f32]>,
    ) -> usize {
        let l = self.labels;
        let mut em = vec![0.0; feats.len() * l];
        for i in 0..feats.len() {
            for id in feats.at(i) {
                if let Some(&k) = self.index.get(id) {
                    let k = k as usize;
                    for y in 0..l {
                        em[i * l + y] += self.weights[k * l + y];
                    }
                }
            }
        }
        fixed.apply(&mut em, l);
        let pred = viterbi(&em, l, &self.transitions, &self.ok);
        let mut wrong = 0;
        for i in 0..gold.len() {
            let prev_g = if i == 0 { l } else { gold[i - 1] };
            let prev_p = if i == 0 { l } else { pred[i - 1] };
            let w = weights.and_then(|w| w.get(i)).copied().unwrap_or(1.0);
            if pred[i] != gold[i] {
                wrong += 1;
                for &id in feats.at(i) {
                    self.update(id, gold[i], w);
                    self.update(id, pred[i], -w);
                }
            }
            if pred[i] != gold[i] || prev_g != prev_p {
                let g = prev_g * l + gold[i];
                let p = prev_p * l + pred[i];
                self.transitions[g] += w;
                self.trans_acc[g] += self.step * f64::from(w);
                self.transitions[p] -= w;
                self.trans_acc[p] -= self.step * f64::from(w);
            }
        }
        self.step += 1.0;
        wrong
    }

    /// The averaged model, serialised.
    pub(crate) fn finish(self, extra: String) -> Vec<u8> {
        self.dense(extra).to_bytes()
    }

    fn dense(self, extra: String) -> Dense {
        let step = self.step;
        let avg = |w: &[f32], acc: &[f64]| -> Vec<f32> {
            w.iter()
                .zip(acc)
                .map(|(&w, &a)| (f64::from(w) - a / step) as f32)
                .collect()
        };
        Dense {
            labels: self.labels,
            weights: avg(&self.weights, &self.acc),
            transitions: avg(&self.transitions, &self.trans_acc),
            index: self.index,
            extra,
        }
    }

    /// The mean of several averaged models (the same data in different
    /// orders), serialised: one linear model that scores as their average
    /// would, with less of the variance one order of the data brings.
    pub(crate) fn finish_mean(trainers: Vec<Trainer>, extra: String) -> Vec<u8> {
        let n = trainers.len().max(1) as f32;
        let dense: Vec<Dense> = trainers
            .into_iter()
            .map(|t| t.dense(String::new()))
            .collect();
        let l = dense.first().map_or(1, |d| d.labels);
        let mut ids: Vec<u32> = dense.iter().flat_map(|d| d.index.keys().copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut index = IdMap::default();
        let mut weights = vec![0.0f32; ids.len() * l];
        for (k, &id) in ids.iter().enumerate() {
            index.insert(id, k as u32);
            for d in &dense {
                if let Some(&j) = d.index.get(&id) {
                    let j = j as usize;
                    for y in 0..l {
                        weights[k * l + y] += d.weights[j * l + y] / n;
                    }
                }
            }
        }
        let mut transitions = vec![0.0f32; (l + 1) * l];
        for d in &dense {
            for (t, &x) in transitions.iter_mut().zip(&d.transitions) {
                *t += x / n;
            }
        }
        Dense {
            labels: l,
            index,
            weights,
            transitions,
            extra,
        }
        .to_bytes()
    }
}

/// Trains on labelled sequences: features seen fewer than `min_count`
/// times are dropped, then `epochs` passes in an order shuffled from
/// `seed`; `log` gets each pass's token accuracy. Deterministic.
pub(crate) fn fit(
    data: Vec<(Features, Vec<usize>)>,
    labels: usize,
    allowed: &dyn Fn(Option<usize>, usize) -> bool,
    min_count: u32,
    (epochs, seed): (usize, u64),
    log: &mut dyn FnMut(usize, f64),
) -> Trainer {
    let mut counts: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for (f, _) in &data {
        for &id in f.ids() {
            *counts.entry(id).or_default() += 1;
        }
    }
    let keep = |id: u32| counts.get(&id).is_some_and(|&c| c >= min_count);
    let data: Vec<_> = data
        .into_iter()
        .map(|(f, g)| (f.filtered(&keep), g))
        .collect();
    let mut trainer = Trainer::new(labels, allowed);
    passes(
        &mut trainer,
        data.len(),
        (epochs, seed),
        log,
        &mut |t, k| {
            let (f, g) = &data[k];
            (t.learn(f, g, &Fixed::default()), g.len())
        },
    );
    trainer
}

/// `epochs` passes over `n` sequences in an order shuffled from `seed`;
/// `learn(trainer, k)` learns sequence `k` and gives (wrong, total) labels;
/// `log` gets each pass's token accuracy.
pub(crate) fn passes(
    trainer: &mut Trainer,
    n: usize,
    (epochs, seed): (usize, u64),
    log: &mut dyn FnMut(usize, f64),
    learn: &mut dyn FnMut(&mut Trainer, usize) -> (usize, usize),
) {
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix(seed);
    for epoch in 0..epochs {
        rng.shuffle(&mut order);
        let (mut wrong, mut total) = (0usize, 0usize);
        for &k in &order {
            let (w, t) = learn(trainer, k);
            wrong += w;
            total += t;
        }
        log(epoch, 1.0 - wrong as f64 / total.max(1) as f64);
    }
}

/// A small deterministic generator for shuffling training data.
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(words: &[&str]) -> Features {
        let mut f = Features::default();
        for w in words {
            f.push(Fx::new(1).add(w).id());
            f.next();
        }
        f
    }

    /// A model with `labels` labels and weights for ids `1..=features`
    /// (every third id left out), read back from its bytes.
    fn random_model(labels: usize, features: u32, seed: u64) -> Model {
        let mut rng = SplitMix(seed);
        let mut index = IdMap::default();
        let mut weights = Vec::new();
        for id in (1..=features).filter(|id| id % 3 != 0) {
            index.insert(id, index.len() as u32);
            weights.extend((0..labels).map(|_| (rng.next_u64() % 2001) as f32 - 1000.0));
        }
        let dense = Dense {
            labels,
            index,
            weights,
            transitions: vec![0.0; (labels + 1) * labels],
            extra: String::new(),
        };
        Model::from_bytes(&dense.to_bytes()).expect("model reads back")
    }

    /// Emission scores one id at a time, with no prefetching and no
    /// unrolled sums: the reference for [`Model::emissions`].
    fn naive_emissions(model: &Model, feats: &Features) -> Vec<f32> {
        let l = model.labels;
        let mut out = vec![0.0; feats.len() * l];
        for i in 0..feats.len() {
            match &model.weights {
                Weights::Inline(table) => {
                    let mut acc = vec![0i32; l];
                    for &id in feats.at(i) {
                        for (a, &w) in acc.iter_mut().zip(table.get(id).unwrap_or_default()) {
                            *a += i32::from(w as i16);
                        }
                    }
                    for (o, a) in out[i * l..(i + 1) * l].iter_mut().zip(acc) {
                        *o = a as f32 * table.scale;
                    }
                }
                Weights::Sparse { .. } => unreachable!("small models are inline"),
            }
        }
        out
    }

    proptest::proptest! {
        /// Empty and long positions (longer than the prefetch distance),
        /// unknown ids and every specialised label count give the naive
        /// sums exactly.
        #[test]
        fn emissions_equal_one_lookup_at_a_time(
            labels in proptest::sample::select(vec![2usize, 3, 6, 9, 18]),
            seed in 0u64..1000,
            positions in proptest::collection::vec(
                proptest::collection::vec(1u32..400, 0..300),
                0..20,
            ),
        ) {
            let model = random_model(labels, 300, seed);
            let mut feats = Features::default();
            for ids in &positions {
                for &id in ids {
                    feats.push(id);
                }
                feats.next();
            }
            let mut got = Vec::new();
            model.emissions(&feats, &mut got);
            proptest::prop_assert_eq!(got, naive_emissions(&model, &feats));
        }
    }

    #[test]
    fn learns_a_toy_tagging_and_round_trips() {
        let data = [
            (seq(&["the", "dog", "runs"]), vec![0, 1, 2]),
            (seq(&["a", "cat", "sleeps"]), vec![0, 1, 2]),
            (seq(&["the", "cat", "runs"]), vec![0, 1, 2]),
        ];
        let mut t = Trainer::new(3, &|_, _| true);
        for _ in 0..5 {
            for (f, g) in &data {
                t.learn(f, g, &Fixed::default());
            }
        }
        let bytes = t.finish("lexicon".into());
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.extra, "lexicon");
        assert_eq!(back.decode(&seq(&["a", "dog", "sleeps"])), [0, 1, 2]);
        let pinned = [None, Some(2), None];
        let fixed = Fixed {
            at: &pinned,
            reserved: None,
        };
        assert_eq!(
            back.decode_fixed(&seq(&["a", "dog", "sleeps"]), &fixed, &[])[1],
            2
        );
    }

    fn toy_trainer(order: &[usize]) -> Trainer {
        let data = [
            (seq(&["the", "dog", "runs"]), vec![0, 1, 2]),
            (seq(&["a", "cat", "sleeps"]), vec![0, 1, 2]),
            (seq(&["dog", "the", "cat"]), vec![1, 0, 1]),
        ];
        let mut t = Trainer::new(3, &|_, _| true);
        for _ in 0..4 {
            for &k in order {
                t.learn(&data[k].0, &data[k].1, &Fixed::default());
            }
        }
        t
    }

    #[test]
    fn the_mean_of_models_scores_as_their_average() {
        let a = toy_trainer(&[0, 1, 2]);
        let b = toy_trainer(&[2, 0, 1]);
        let ma = Model::from_bytes(&a.clone().finish(String::new())).unwrap();
        let mb = Model::from_bytes(&b.clone().finish(String::new())).unwrap();
        let mean = Model::from_bytes(&Trainer::finish_mean(vec![a, b], "x".into())).unwrap();
        assert_eq!(mean.extra, "x");
        let f = seq(&["a", "dog", "runs", "unseen"]);
        let (sa, sb, sm) = (ma.scores(&f), mb.scores(&f), mean.scores(&f));
        let scale = sa.iter().chain(&sb).fold(0f32, |m, x| m.max(x.abs()));
        for ((x, y), z) in sa.iter().zip(&sb).zip(&sm) {
            // Each model is quantised to 16 bits on its own.
            assert!(((x + y) / 2.0 - z).abs() <= scale * 1e-3, "{x} {y} {z}");
        }
        let pairs = ma.transitions.iter().zip(&mb.transitions);
        for ((x, y), z) in pairs.zip(&mean.transitions) {
            assert!(((x + y) / 2.0 - z).abs() < 1e-4, "{x} {y} {z}");
        }
    }

    #[test]
    fn costs_are_what_the_best_path_loses_without_a_label() {
        let m = Model::from_bytes(&toy_trainer(&[0, 1, 2]).finish(String::new())).unwrap();
        let f = seq(&["the", "dog", "runs"]);
        let d = m.decode_scored(&f, &Fixed::default());
        let costs: Vec<f32> = [&[2][..], &[1, 2], &[]]
            .iter()
            .map(|labels| m.cost_without(&d, labels))
            .collect();
        assert_eq!(d.path, m.decode(&f));
        assert_eq!(d.path, [0, 1, 2]);
        // Without labels the best path uses, it loses something; without
        // none, nothing.
        assert!(costs[0] > 0.0 && costs[1] >= costs[0], "{costs:?}");
        assert_eq!(costs[2], 0.0);
        // As a one-position classifier: the margin of the winning label is
        // positive, of a losing one negative.
        let one = seq(&["dog"]);
        assert!(m.margin(&one, 1) > 0.0);
        assert!(m.margin(&one, 0) < 0.0);
    }

    #[test]
    fn rejects_garbage() {
        assert!(Model::from_bytes(b"").is_err());
        assert!(Model::from_bytes(b"ORP2\x07\0\0\0").is_err());
        assert!(Model::from_bytes(b"XXXX\x07\0\0\0\0\0\0\0\0\0\0\0").is_err());
    }
}
