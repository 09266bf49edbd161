//! Universal Dependencies treebanks in CoNLL-U, read for the parser and
//! the part-of-speech tagger (UD English EWT).

use std::path::Path;

use anyhow::{Context, Result, bail};
use onrecord_core::parse_training::Sentence;

/// The sentences of a CoNLL-U file.
pub(crate) fn read_conllu(path: &Path) -> Result<Vec<Sentence>> {
    let body =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    let mut cur = Sentence {
        words: Vec::new(),
        heads: Vec::new(),
        relations: Vec::new(),
        penn: Vec::new(),
    };
    for (no, line) in body.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            if !cur.words.is_empty() {
                out.push(std::mem::replace(
                    &mut cur,
                    Sentence {
                        words: Vec::new(),
                        heads: Vec::new(),
                        relations: Vec::new(),
                        penn: Vec::new(),
                    },
                ));
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            bail!(
                "{}:{}: {} columns, not 10",
                path.display(),
                no + 1,
                cols.len()
            );
        }
        // Multiword token ranges ("3-4") and empty nodes ("5.1") are not
        // syntactic words.
        if cols[0].contains(['-', '.']) {
            continue;
        }
        let head: usize = cols[6]
            .parse()
            .with_context(|| format!("{}:{}: head {:?}", path.display(), no + 1, cols[6]))?;
        cur.words.push(cols[1].to_owned());
        cur.heads.push(head);
        cur.relations.push(cols[7].to_owned());
        cur.penn.push(cols[4].to_owned());
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    Ok(out)
}
