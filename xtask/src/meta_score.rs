//! Scores page metadata (title, author, day of publication) against the
//! truth's fields, as issue 17 defines it, for onrecord and for the peers'
//! prediction files alike:
//! - title: equal after lower-casing and keeping runs of word characters;
//! - author: one contains the other, both normalised the same way;
//! - date: the same day (the first ten characters of an ISO date).
//!
//! A field is scored on the pages whose truth has it; where the truth has
//! none, a predicted value is counted as spurious.

use unicode_normalization::UnicodeNormalization;

/// One page's metadata, predicted or true.
#[derive(Debug, Default, Clone)]
pub(crate) struct Meta {
    pub(crate) title: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) date: Option<String>,
}

impl Meta {
    /// The metadata fields of a truth or prediction object.
    pub(crate) fn from_json(v: &serde_json::Value) -> Meta {
        let field = |k: &str| {
            v.get(k)
                .and_then(serde_json::Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
        };
        Meta {
            title: field("title"),
            author: field("author"),
            date: field("date"),
        }
    }
}

/// Lower-cased runs of word characters, joined by one space.
fn norm(s: &str) -> String {
    let s: String = s.nfkc().collect::<String>().to_lowercase();
    s.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn day(s: &str) -> Option<&str> {
    let d = s.trim().get(..10)?;
    let b = d.as_bytes();
    (b[4] == b'-' && b[7] == b'-' && d.chars().filter(char::is_ascii_digit).count() == 8)
        .then_some(d)
}

/// Counts for one field.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Field {
    /// Pages whose truth has the field.
    pub(crate) gold: usize,
    /// Of those, pages where the prediction matches.
    pub(crate) right: usize,
    /// Pages whose truth has no value but the prediction gives one.
    pub(crate) spurious: usize,
    /// Pages whose truth has no value.
    pub(crate) empty: usize,
}

impl Field {
    fn add(&mut self, gold: Option<&str>, pred: Option<&str>, same: impl Fn(&str, &str) -> bool) {
        match (gold, pred) {
            (Some(g), p) => {
                self.gold += 1;
                self.right += usize::from(p.is_some_and(|p| same(g, p)));
            }
            (None, p) => {
                self.empty += 1;
                self.spurious += usize::from(p.is_some());
            }
        }
    }

    /// Share of the pages with a true value that got it right.
    pub(crate) fn accuracy(&self) -> f64 {
        self.right as f64 / self.gold.max(1) as f64
    }
}

/// Metadata scores over a set of pages.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct MetaTally {
    pub(crate) title: Field,
    pub(crate) author: Field,
    pub(crate) date: Field,
}

/// Whether a predicted title matches the true one.
pub(crate) fn same_title(gold: &str, pred: &str) -> bool {
    norm(gold) == norm(pred)
}

/// Whether a predicted author matches: one contains the other.
pub(crate) fn same_author(gold: &str, pred: &str) -> bool {
    let (g, p) = (norm(gold), norm(pred));
    !g.is_empty() && !p.is_empty() && (g.contains(&p) || p.contains(&g))
}

/// Whether a predicted date falls on the true day.
pub(crate) fn same_day(gold: &str, pred: &str) -> bool {
    matches!((day(gold), day(pred)), (Some(g), Some(p)) if g == p)
}

impl MetaTally {
    pub(crate) fn add(&mut self, gold: &Meta, pred: &Meta) {
        self.title
            .add(gold.title.as_deref(), pred.title.as_deref(), same_title);
        self.author
            .add(gold.author.as_deref(), pred.author.as_deref(), same_author);
        self.date
            .add(gold.date.as_deref(), pred.date.as_deref(), same_day);
    }

    /// One line per field.
    pub(crate) fn lines(&self) -> String {
        let line = |name: &str, f: &Field| {
            format!(
                "metadata {name:<6} right {:.3} of {} pages with a true value; spurious on {} of {} without",
                f.accuracy(),
                f.gold,
                f.spurious,
                f.empty
            )
        };
        [
            line("title", &self.title),
            line("author", &self.author),
            line("date", &self.date),
        ]
        .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_compare_as_defined() {
        assert!(same_title(
            "Top Nutrition Trends: Fall",
            "top nutrition trends — fall"
        ));
        assert!(!same_title(
            "Top Nutrition Trends",
            "Top Nutrition Trends | Site"
        ));
        assert!(same_author("Dylan Bailey, MS, RD", "Dylan Bailey"));
        assert!(!same_author("Dylan Bailey", "Staff"));
        assert!(same_day("2025-09-04", "2025-09-04T10:00:00Z"));
        assert!(!same_day("2025-09-04", "2025-09-05"));
        assert!(!same_day("2025-09-04", "Sept 4"));
    }

    #[test]
    fn tally_counts_spurious_and_missing() {
        let mut t = MetaTally::default();
        let gold = Meta {
            title: Some("A".into()),
            author: None,
            date: Some("2025-01-01".into()),
        };
        let pred = Meta {
            title: Some("a".into()),
            author: Some("X".into()),
            date: None,
        };
        t.add(&gold, &pred);
        assert_eq!((t.title.gold, t.title.right), (1, 1));
        assert_eq!((t.author.empty, t.author.spurious), (1, 1));
        assert_eq!((t.date.gold, t.date.right), (1, 0));
    }
}
