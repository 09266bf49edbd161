//! Dates as written by pages and dumps, normalised to ISO 8601.

use std::sync::LazyLock;

use regex::Regex;

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static SLASHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b").unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static WRITTEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*[.,]?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})\b",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

fn month(name: &str) -> Option<u32> {
    let m = match name.to_ascii_lowercase().get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// A day of the calendar (no 31 February) between 1800 and 2200.
fn valid(year: u32, month: u32, day: u32) -> bool {
    let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(year), i8::try_from(month), i8::try_from(day))
    else {
        return false;
    };
    (1800..=2200).contains(&y) && jiff::civil::Date::new(y, m, d).is_ok()
}

static DOTTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})\b")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static US_SLASHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// The day of the first date a page shows in `text` (`YYYY-MM-DD`): what
/// [`normalize_date`] reads, else day first when dotted (`23.07.2025`),
/// else month first when slashed (`3/4/2025`, as in the US) unless the
/// first number cannot be a month. Kept apart from [`normalize_date`],
/// which reads the dates inputs give, because the last two are guesses a
/// page's date line justifies and a data field does not.
pub(crate) fn normalize_shown_day(text: &str) -> Option<String> {
    if let Some(d) = normalize_date(text) {
        return Some(d.get(..10).unwrap_or(&d).to_owned());
    }
    let ymd = |y: &str, m: &str, d: &str| normalize_date(&format!("{y}-{m:0>2}-{d:0>2}"));
    if let Some(c) = DOTTED.captures(text) {
        return ymd(&c[3], &c[2], &c[1]);
    }
    let c = US_SLASHED.captures(text)?;
    let first: u32 = c[1].parse().ok()?;
    if first > 12 {
        ymd(&c[3], &c[2], &c[1])
    } else {
        ymd(&c[3], &c[1], &c[2])
    }
}

/// Normalises a date to ISO 8601: `YYYY-MM-DD`, or
/// `YYYY-MM-DDTHH:MM:SS` with the offset when one is written. Returns
/// `None` when no date can be read.
pub fn normalize_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if let Some(c) = ISO.captures(raw) {
        let year: u32 = c[1].parse().ok()?;
        let mon: u32 = c[2].parse().ok()?;
        let day: u32 = c[3].parse().ok()?;
        if !valid(year, mon, day) {
            return None;
        }
        let mut out = format!("{year:04}-{mon:02}-{day:02}");
        if let (Some(h), Some(m)) = (c.get(4), c.get(5)) {
            let s = c.get(6).map_or("00", |s| s.as_str());
            out.push_str(&format!("T{}:{}:{}", h.as_str(), m.as_str(), s));
            if let Some(z) = c.get(7) {
                let z = z.as_str();
                if z == "Z" {
                    out.push('Z');
                } else if z.len() == 5 {
                    out.push_str(&format!("{}:{}", &z[..3], &z[3..]));
                } else {
                    out.push_str(z);
                }
            }
        }
        return Some(out);
    }
    if let Some(c) = SLASHED.captures(raw) {
        let (y, m, d) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
        return valid(y, m, d).then(|| format!("{y:04}-{m:02}-{d:02}"));
    }
    if let Some(c) = WRITTEN.captures(raw) {
        let mon = month(&c[2])?;
        let day: u32 = c.get(1).or(c.get(3))?.as_str().parse().ok()?;
        let year: u32 = c[4].parse().ok()?;
        return valid(year, mon, day).then(|| format!("{year:04}-{mon:02}-{day:02}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{normalize_date, normalize_shown_day};

    #[test]
    fn a_page_s_date_line_is_read_with_its_guesses() {
        let day = |s: &str| normalize_shown_day(s);
        assert_eq!(
            day("Posted on 23.07.2025 | 5 min").as_deref(),
            Some("2025-07-23")
        );
        assert_eq!(day("3/4/2025").as_deref(), Some("2025-03-04"));
        assert_eq!(day("23/4/2025").as_deref(), Some("2025-04-23"));
        assert_eq!(day("2025-03-04T09:30:00Z").as_deref(), Some("2025-03-04"));
        assert_eq!(day("31.02.2025"), None);
        assert_eq!(normalize_date("2025-02-29"), None, "not a leap year");
        assert_eq!(normalize_date("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(normalize_date("April 31, 2025"), None);
        // A data field's date is not guessed at.
        assert_eq!(normalize_date("3/4/2025"), None);
        assert_eq!(normalize_date("23.07.2025"), None);
    }

    #[test]
    fn reads_the_forms_news_uses() {
        let cases = [
            ("2025-08-16", Some("2025-08-16")),
            ("2019-11-19T18:03:00Z", Some("2019-11-19T18:03:00Z")),
            (
                "2019-11-19T18:03:00.000+0100",
                Some("2019-11-19T18:03:00+01:00"),
            ),
            ("2019-11-19 18:03", Some("2019-11-19T18:03:00")),
            ("2019/11/9", Some("2019-11-09")),
            ("November 19, 2019", Some("2019-11-19")),
            ("19 Nov 2019", Some("2019-11-19")),
            ("19 Dec, 2025", Some("2025-12-19")),
            ("Tue, 19th November 2019 10:00", Some("2019-11-19")),
            ("2019-13-40", None),
            ("yesterday", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_date(raw).as_deref(), want, "{raw}");
        }
    }
}
