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
