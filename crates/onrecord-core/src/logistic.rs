//! Binary logistic regression over hashed features (AdaGrad, L2 on the
//! weights a step touches), written out in [`crate::perceptron`]'s model
//! format: label 1 carries the weights, label 0 none, so that the
//! perceptron's decoder with no transitions gives the sign of the logit,
//! and a bias on label 1 moves the threshold on the logit's scale.
//!
//! Written here for the same reasons as the perceptron: a deterministic,
//! compact weight file we build and commit, read by code we already have.

use std::collections::HashMap;

use crate::perceptron::{Features, SplitMix, linear_bytes};

/// How training runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) epochs: usize,
    pub(crate) seed: u64,
    /// AdaGrad's base step.
    pub(crate) rate: f64,
    /// L2 strength, applied to the weights each step touches.
    pub(crate) l2: f64,
}

/// One sequence: its features, gold flags and per-position weights.
pub(crate) type Example = (Features, Vec<bool>, Vec<f32>);

/// Trains on `data` and returns the model's bytes. Deterministic: the
/// same data and settings give the same bytes.
// `i` indexes three parallel per-position vectors.
#[allow(clippy::needless_range_loop)]
pub(crate) fn train(
    data: &[Example],
    settings: Settings,
    log: &mut dyn FnMut(usize, f64),
) -> Vec<u8> {
    let mut slot: HashMap<u32, usize> = HashMap::new();
    let mut ids: Vec<u32> = Vec::new();
    for (f, _, _) in data {
        for &id in f.ids() {
            slot.entry(id).or_insert_with(|| {
                ids.push(id);
                ids.len() - 1
            });
        }
    }
    let mut w = vec![0f64; ids.len()];
    let mut g2 = vec![1e-8f64; ids.len()];
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = SplitMix(settings.seed);
    let mut rows: Vec<usize> = Vec::new();
    for epoch in 0..settings.epochs {
        rng.shuffle(&mut order);
        let (mut loss, mut total) = (0f64, 0f64);
        for &k in &order {
            let (feats, gold, weights) = &data[k];
            for i in 0..feats.len().min(gold.len()) {
                rows.clear();
                rows.extend(feats.at(i).iter().filter_map(|id| slot.get(id).copied()));
                let z: f64 = rows.iter().map(|&r| w[r]).sum();
                let p = 1.0 / (1.0 + (-z).exp());
                let y = if gold[i] { 1.0 } else { 0.0 };
                let c = f64::from(weights.get(i).copied().unwrap_or(1.0));
                loss -= c * if gold[i] {
                    p.max(1e-12).ln()
                } else {
                    (1.0 - p).max(1e-12).ln()
                };
                total += c;
                let err = c * (p - y);
                for &r in &rows {
                    let g = err + settings.l2 * w[r];
                    g2[r] += g * g;
                    w[r] -= settings.rate * g / g2[r].sqrt();
                }
            }
        }
        log(epoch, loss / total.max(1e-12));
    }
    // Ids in order, weights on label 1, none on label 0, no transitions.
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_unstable_by_key(|&k| ids[k]);
    let sorted: Vec<u32> = order.iter().map(|&k| ids[k]).collect();
    let mut weights = Vec::with_capacity(order.len() * 2);
    for &k in &order {
        weights.push(0.0);
        weights.push(w[k] as f32);
    }
    linear_bytes(2, &sorted, weights, vec![0.0; 3 * 2])
}
