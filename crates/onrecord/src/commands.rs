pub(crate) mod entities;
pub(crate) mod extract;
pub(crate) mod index;
pub(crate) mod search;
pub(crate) mod serve;

use anyhow::{Context, Result};

/// An index that `onrecord index` built: a clear error when there is none.
pub(crate) fn existing_index(dir: &std::path::Path) -> Result<onrecord_index::QuoteIndex> {
    if !dir.join("meta.json").is_file() {
        anyhow::bail!(
            "no index in `{}` (build one with `onrecord index`)",
            dir.display()
        );
    }
    onrecord_index::QuoteIndex::open(dir)
        .with_context(|| format!("cannot open the index in `{}`", dir.display()))
}
