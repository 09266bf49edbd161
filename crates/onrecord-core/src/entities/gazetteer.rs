//! The gazetteer: countries, capitals, places, bodies and groups known by
//! name (`data/gazetteer.txt`, written by hand), matched on tokens.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use crate::perceptron::{IdHasher, hash};
use crate::text::{Tokens, tokenize};

const SOURCE: &str = include_str!("../../data/gazetteer.txt");

/// What a gazetteer name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Place,
    Org,
    Group,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Place => "place",
            Kind::Org => "org",
            Kind::Group => "group",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) kind: Kind,
    pub(crate) canonical: String,
}

/// A name found in the text: tokens `start..end` and the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Match {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) entry: u32,
}

type Sequences = Vec<(Vec<u64>, u32)>;

#[derive(Debug, Default)]
pub(crate) struct Gazetteer {
    pub(crate) entries: Vec<Entry>,
    /// Token-hash sequences of every name, by the hash of the first token,
    /// longest first.
    by_first: HashMap<u64, Sequences, BuildHasherDefault<IdHasher>>,
}

/// Hash of a token as written (case kept).
pub(crate) fn raw_hash(w: &str) -> u64 {
    hash(w)
}

impl Gazetteer {
    fn parse(source: &str) -> Gazetteer {
        let mut g = Gazetteer::default();
        for line in source.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('|');
            let kind = match fields.next() {
                Some("C" | "P") => Kind::Place,
                Some("O") => Kind::Org,
                Some("G") => Kind::Group,
                _ => continue,
            };
            // A line is a run of entries: `=` (a demonym) and `@` (a
            // capital) start new ones; plain names are aliases.
            let mut current: Option<u32> = None;
            for field in fields {
                let (kind, name, fresh) = if let Some(n) = field.strip_prefix('=') {
                    (Kind::Group, n, true)
                } else if let Some(n) = field.strip_prefix('@') {
                    (Kind::Place, n, true)
                } else {
                    (kind, field, current.is_none())
                };
                let id = match current {
                    Some(id) if !fresh => id,
                    _ => {
                        g.entries.push(Entry {
                            kind,
                            canonical: name.to_owned(),
                        });
                        (g.entries.len() - 1) as u32
                    }
                };
                current = Some(id);
                g.add(name, id);
            }
        }
        for seqs in g.by_first.values_mut() {
            seqs.sort_by_key(|(s, id)| (std::cmp::Reverse(s.len()), *id));
        }
        g
    }

    fn add(&mut self, name: &str, id: u32) {
        let t = tokenize(name);
        let seq: Vec<u64> = (0..t.len()).map(|i| raw_hash(t.str(i))).collect();
        if let Some(&first) = seq.first() {
            let list = self.by_first.entry(first).or_default();
            if !list.iter().any(|(s, _)| *s == seq) {
                list.push((seq, id));
            }
        }
    }

    /// Longest names, left to right, not overlapping. `h_raw` holds
    /// [`raw_hash`] of every token.
    pub(crate) fn find(&self, t: &Tokens<'_>, h_raw: &[u64]) -> Vec<Match> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < h_raw.len() {
            let found = self.by_first.get(&h_raw[i]).and_then(|seqs| {
                seqs.iter().find(|(s, _)| {
                    let end = i + s.len();
                    end <= h_raw.len()
                        && h_raw[i..end] == s[..]
                        && t.tokens[i].sentence == t.tokens[end - 1].sentence
                })
            });
            match found {
                Some((s, id)) => {
                    out.push(Match {
                        start: i,
                        end: i + s.len(),
                        entry: *id,
                    });
                    i += s.len();
                }
                None => i += 1,
            }
        }
        out
    }

    /// The entry a whole name is written as, if any.
    pub(crate) fn lookup(&self, name: &str) -> Option<u32> {
        let t = tokenize(name);
        let h: Vec<u64> = (0..t.len()).map(|i| raw_hash(t.str(i))).collect();
        self.find(&t, &h)
            .first()
            .filter(|m| m.start == 0 && m.end == h.len())
            .map(|m| m.entry)
    }
}

pub(crate) fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::parse(SOURCE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_fold_to_one_entry() {
        let g = gazetteer();
        let us = g.lookup("United States").unwrap();
        for alias in ["U.S.", "US", "USA", "America"] {
            assert_eq!(g.lookup(alias), Some(us), "{alias}");
        }
        assert_eq!(g.entries[us as usize].kind, Kind::Place);
        assert_eq!(g.lookup("Nato"), g.lookup("NATO"));
        assert_eq!(g.lookup("EU"), g.lookup("European Union"));
        assert_eq!(g.lookup("U.K."), g.lookup("UK"));
        let russian = g.lookup("Russian").unwrap() as usize;
        assert_eq!(g.entries[russian].kind, Kind::Group);
        assert_eq!(g.lookup("Russians"), Some(russian as u32));
        let kyiv = g.lookup("Kiev").unwrap() as usize;
        assert_eq!(g.entries[kyiv].canonical, "Kyiv");
        assert_eq!(g.lookup("us"), None);
    }

    #[test]
    fn longest_name_wins() {
        let text = "He flew to Washington, D.C. and then to New York City.";
        let t = tokenize(text);
        let h: Vec<u64> = (0..t.len()).map(|i| raw_hash(t.str(i))).collect();
        let g = gazetteer();
        let names: Vec<&str> = g
            .find(&t, &h)
            .iter()
            .map(|m| g.entries[m.entry as usize].canonical.as_str())
            .collect();
        assert_eq!(names, ["Washington", "New York City"]);
    }
}
