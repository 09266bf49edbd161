//! Averaged perceptron training: sequences, classifiers, passes.

use super::*;

/// Trains a model on `(features, gold labels)` sequences.
#[derive(Clone)]
pub(crate) struct Trainer {
    pub(super) labels: usize,
    pub(super) index: IdMap<u32>,
    pub(super) weights: Vec<f32>,
    /// Sum of `step * update`, for averaging (Daumé's trick).
    pub(super) acc: Vec<f64>,
    pub(super) transitions: Vec<f32>,
    pub(super) trans_acc: Vec<f64>,
    pub(super) ok: Vec<bool>,
    pub(super) step: f64,
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

    pub(super) fn slot(&mut self, id: u32) -> usize {
        let next = self.index.len() as u32;
        let k = *self.index.entry(id).or_insert(next) as usize;
        if k == next as usize {
            self.weights.extend(std::iter::repeat_n(0.0, self.labels));
            self.acc.extend(std::iter::repeat_n(0.0, self.labels));
        }
        k
    }

    pub(super) fn update(&mut self, id: u32, label: usize, delta: f32) {
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

    pub(super) fn dense(self, extra: String) -> Dense {
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
