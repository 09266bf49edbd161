//! PolNeAR in JSONL (`../shared/data/polnear/{train,dev}.jsonl`).

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct GoldAttribution {
    pub(crate) source: Vec<(usize, usize)>,
    pub(crate) cue: Vec<(usize, usize)>,
    pub(crate) content: Vec<(usize, usize)>,
    #[serde(default)]
    pub(crate) source_text: String,
    #[serde(default)]
    pub(crate) cue_text: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct GoldArticle {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) publisher: String,
    pub(crate) text: String,
    pub(crate) attributions: Vec<GoldAttribution>,
}

pub(crate) fn read(path: &Path) -> Result<Vec<GoldArticle>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("{} line {}", path.display(), i + 1))
        })
        .collect()
}
