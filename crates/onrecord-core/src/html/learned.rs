//! The learned block chooser: two-label sequence models (out, in) over
//! the page's blocks in document order, trained on WCXB dev and the 181
//! pages of the article-extraction-benchmark (`cargo xtask train-blocks`),
//! with Viterbi decoding so that a block's neighbours weigh on it.
//!
//! Two stages, stacked: the first sees the block, its layout and the
//! readability-style choice; the second also sees what the first chose in
//! each container around the block. The second stage is trained on
//! first-stage choices made out of fold, as they would be on a new page.

use std::sync::{Arc, OnceLock};

use crate::html::features::{features, stacked};
use crate::html::select::Knobs;
use crate::html::stream::Page;
use crate::perceptron::{Features, Fixed, Model};

/// The committed model: `cargo xtask train-blocks --out` rebuilds it bit
/// for bit from WCXB dev's articles and the 181 pages (CI checks).
const EMBEDDED: &[u8] = include_bytes!("../../models/blocks.bin");

/// Label of a block left out of the main text.
pub(crate) const OUT: usize = 0;
/// Label of a block of the main text.
pub(crate) const IN: usize = 1;

/// A trained block model: its two stages.
#[derive(Debug, Clone)]
pub struct BlockModel {
    first: Model,
    second: Model,
}

fn read_stage(bytes: &[u8]) -> Result<Model, String> {
    let model = Model::from_bytes(bytes).map_err(|e| format!("block model: {e}"))?;
    if model.labels() != 2 {
        return Err(format!(
            "a block model has 2 labels, not {}",
            model.labels()
        ));
    }
    Ok(model)
}

impl BlockModel {
    /// Reads weights written by `cargo xtask train-blocks`: the first
    /// stage's length (u32, little-endian), the first stage, the second.
    pub fn from_bytes(bytes: &[u8]) -> Result<BlockModel, String> {
        let (len, rest) = bytes
            .split_first_chunk::<4>()
            .ok_or("block model: too short")?;
        let len = u32::from_le_bytes(*len) as usize;
        if len > rest.len() {
            return Err("block model: first stage runs past the end".into());
        }
        let (first, second) = rest.split_at(len);
        Ok(BlockModel {
            first: read_stage(first)?,
            second: read_stage(second)?,
        })
    }

    /// The model committed with onrecord, read once; `None` should its
    /// bytes not read (the pipeline then scores containers alone).
    pub fn embedded() -> Option<Arc<BlockModel>> {
        static MODEL: OnceLock<Option<Arc<BlockModel>>> = OnceLock::new();
        MODEL
            .get_or_init(|| BlockModel::from_bytes(EMBEDDED).ok().map(Arc::new))
            .clone()
    }

    /// One flag per block of `page`: whether it is main text.
    pub(crate) fn choose(&self, page: &Page, title: Option<&str>, knobs: &Knobs) -> Vec<bool> {
        let base = features(page, title, knobs);
        let first = decode(&self.first, &base, 0.0);
        let second = stacked(page, &base, &first);
        decode(&self.second, &second, knobs.block_bias)
    }
}

/// The best labels of a sequence; `bias` is added to the score of "in"
/// at every block (above 0: more recall).
fn decode(model: &Model, feats: &Features, bias: f32) -> Vec<bool> {
    if feats.len() == 0 {
        return Vec::new();
    }
    let bias = if bias == 0.0 { vec![] } else { vec![0.0, bias] };
    model
        .decode_fixed(feats, &Fixed::default(), &bias)
        .into_iter()
        .map(|y| y == IN)
        .collect()
}

/// Training the block model, for `cargo xtask train-blocks`.
pub mod training {
    use super::{BlockModel, IN, OUT, decode};
    use crate::html::features::{features, stacked};
    use crate::html::select::Knobs;
    use crate::html::stream::{self, Page};
    use crate::perceptron::{Features, Fixed, Model, Trainer, passes};

    /// One page made ready for training: its block texts (to label from a
    /// page's truth) and their features.
    pub struct Sample {
        /// The text of every block, in document order.
        pub texts: Vec<String>,
        page: Page,
        features: Features,
    }

    /// The blocks of `html` and their features; `None` when the page does
    /// not parse.
    pub fn sample(html: &str) -> Option<Sample> {
        let page = stream::scan(html, 64 << 20, stream::Layout::Full).ok()?;
        let meta = crate::html::Metadata::read(&page, crate::html::MetaRules::default());
        let features = features(&page, meta.page_title.as_deref(), &Knobs::default());
        Some(Sample {
            texts: page.blocks.iter().map(|b| b.text.clone()).collect(),
            page,
            features,
        })
    }

    /// How training runs.
    #[derive(Debug, Clone, Copy)]
    pub struct Settings {
        /// Passes over the data.
        pub epochs: usize,
        /// Seed of the order of the pages.
        pub seed: u64,
        /// Features seen on fewer blocks than this are dropped.
        pub min_count: u32,
        /// Folds of the training pages whose first-stage choices, each
        /// made by a first stage trained without that fold, the second
        /// stage learns from.
        pub inner_folds: u32,
        /// Weigh each block's mistakes by its text length.
        pub weighted: bool,
        /// Which learner fits each stage.
        pub learner: Learner,
    }

    /// The learner of each stage.
    #[derive(Debug, Clone, Copy)]
    pub enum Learner {
        /// The averaged structured perceptron, Viterbi over the blocks.
        Perceptron,
        /// Logistic regression (AdaGrad with base step `rate`, L2 `l2`).
        Logistic {
            /// AdaGrad's base step.
            rate: f64,
            /// L2 strength.
            l2: f64,
        },
    }

    /// One position's training weight: its text length, dampened, so
    /// that the model spends itself on the text the score counts rather
    /// than on the count of one-word menu items.
    fn weight(text: &str) -> f32 {
        let n = text.chars().count() as f32;
        (n.sqrt() / 8.0).clamp(0.125, 4.0)
    }

    type Data = Vec<(Features, Vec<usize>, Vec<f32>)>;

    fn fit_stage(
        data: Data,
        settings: Settings,
        stage: &str,
        log: &mut dyn FnMut(String),
    ) -> (Model, Vec<u8>) {
        let mut counts: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        for (f, _, _) in &data {
            for &id in f.ids() {
                *counts.entry(id).or_default() += 1;
            }
        }
        let keep = |id: u32| counts.get(&id).is_some_and(|&c| c >= settings.min_count);
        let data: Data = data
            .into_iter()
            .map(|(f, g, w)| (f.filtered(&keep), g, w))
            .collect();
        if let Learner::Logistic { rate, l2 } = settings.learner {
            let examples: Vec<crate::logistic::Example> = data
                .into_iter()
                .map(|(f, g, w)| (f, g.iter().map(|&y| y == IN).collect(), w))
                .collect();
            let lr = crate::logistic::Settings {
                epochs: settings.epochs,
                seed: settings.seed,
                rate,
                l2,
            };
            let bytes = crate::logistic::train(&examples, lr, &mut |epoch, loss| {
                log(format!("{stage} epoch {epoch}: log loss {loss:.4}"));
            });
            let model = Model::from_bytes(&bytes)
                .unwrap_or_else(|e| panic!("model just trained does not read back: {e}"));
            return (model, bytes);
        }
        let mut trainer = Trainer::new(2, &|_, _| true);
        passes(
            &mut trainer,
            data.len(),
            (settings.epochs, settings.seed),
            &mut |epoch, acc| log(format!("{stage} epoch {epoch}: block accuracy {acc:.4}")),
            &mut |t, k| {
                let (f, g, w) = &data[k];
                let fixed = Fixed::default();
                let wrong = if settings.weighted {
                    t.learn_weighted(f, g, &fixed, Some(w))
                } else {
                    t.learn(f, g, &fixed)
                };
                (wrong, g.len())
            },
        );
        // The bytes are ours, just written: reading them back cannot fail
        // short of a bug, which the tests of `perceptron` cover.
        let bytes = trainer.finish(String::new());
        let model = Model::from_bytes(&bytes)
            .unwrap_or_else(|e| panic!("model just trained does not read back: {e}"));
        (model, bytes)
    }

    fn gold_labels(gold: &[bool]) -> Vec<usize> {
        gold.iter().map(|&g| if g { IN } else { OUT }).collect()
    }

    /// Trains on pages with one gold flag per block, `group[i]` naming the
    /// group (a domain) of page `i` for the inner folds; returns the
    /// weights. Deterministic: the same samples and settings give the same
    /// bytes.
    /// `log` gets a line per training pass.
    pub fn train(
        samples: &[(&Sample, Vec<bool>, u64)],
        settings: Settings,
        log: &mut dyn FnMut(String),
    ) -> Vec<u8> {
        let samples: Vec<&(&Sample, Vec<bool>, u64)> = samples
            .iter()
            .filter(|(s, gold, _)| s.features.len() == gold.len() && !gold.is_empty())
            .collect();
        let weights = |s: &Sample| -> Vec<f32> { s.texts.iter().map(|t| weight(t)).collect() };
        let first_data = |keep: &dyn Fn(u64) -> bool| -> Data {
            samples
                .iter()
                .filter(|(_, _, g)| keep(*g))
                .map(|(s, gold, _)| (s.features.clone(), gold_labels(gold), weights(s)))
                .collect()
        };
        let (_, first) = fit_stage(first_data(&|_| true), settings, "first", log);
        // First-stage choices on each page, by a first stage that never
        // saw its group.
        let k = u64::from(settings.inner_folds.max(2));
        let mut chosen: Vec<Vec<bool>> = vec![Vec::new(); samples.len()];
        for fold in 0..k {
            let (model, _) = fit_stage(first_data(&|g| g % k != fold), settings, "inner", log);
            for (i, (s, _, g)) in samples.iter().enumerate() {
                if g % k == fold {
                    chosen[i] = decode(&model, &s.features, 0.0);
                }
            }
        }
        let second_data: Data = samples
            .iter()
            .zip(&chosen)
            .map(|((s, gold, _), c)| {
                (
                    stacked(&s.page, &s.features, c),
                    gold_labels(gold),
                    weights(s),
                )
            })
            .collect();
        let (_, second) = fit_stage(second_data, settings, "second", log);
        let mut out = Vec::with_capacity(first.len() + 4);
        out.extend_from_slice(&u32::try_from(first.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&first);
        out.extend_from_slice(&second);
        out
    }

    /// The model's flags for the blocks of `sample`.
    pub fn predict(model: &BlockModel, sample: &Sample) -> Vec<bool> {
        let first = decode(&model.first, &sample.features, 0.0);
        decode(
            &model.second,
            &stacked(&sample.page, &sample.features, &first),
            0.0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::training::{Learner, Settings, predict, sample, train};
    use super::*;

    fn page(topic: &str) -> String {
        let para = |n: usize| {
            format!(
                "<p>The {topic} story goes on in its {n}th paragraph, with enough words, \
                 commas, and sentences to read as prose. It ends here.</p>"
            )
        };
        format!(
            "<html><head><title>{topic}</title></head><body>\
             <ul class=\"menu\"><li><a href=\"/a\">Home</a></li><li><a href=\"/b\">World</a></li></ul>\
             <div class=\"story\">{}{}{}</div>\
             <div class=\"links\"><a href=\"/c\">More on {topic}</a> <a href=\"/d\">Contact us</a></div>\
             </body></html>",
            para(1),
            para(2),
            para(3)
        )
    }

    #[test]
    fn a_model_trained_on_pages_keeps_prose_and_drops_menus_on_a_new_one() {
        let pages: Vec<_> = ["rain", "snow", "wind", "heat"]
            .iter()
            .map(|t| sample(&page(t)).expect("parses"))
            .collect();
        let gold = |s: &training::Sample| -> Vec<bool> {
            s.texts.iter().map(|t| t.contains("paragraph")).collect()
        };
        let data: Vec<_> = pages
            .iter()
            .enumerate()
            .map(|(i, s)| (s, gold(s), i as u64))
            .collect();
        let settings = Settings {
            epochs: 5,
            seed: 1,
            min_count: 1,
            inner_folds: 2,
            weighted: true,
            learner: Learner::Perceptron,
        };
        let bytes = train(&data, settings, &mut |_| {});
        assert_eq!(bytes, train(&data, settings, &mut |_| {}), "deterministic");
        let model = BlockModel::from_bytes(&bytes).expect("reads back");
        let unseen = sample(&page("fog")).expect("parses");
        assert_eq!(predict(&model, &unseen), gold(&unseen));
        assert!(BlockModel::from_bytes(&bytes[..3]).is_err());
        assert!(BlockModel::from_bytes(&[255, 255, 255, 255, 0]).is_err());
    }
}
