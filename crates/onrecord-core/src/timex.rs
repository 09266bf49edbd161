//! Dates mentioned in the text ("on Sunday", "last week", "March 5",
//! "in 2016"), normalised to ISO 8601 against the article's own date
//! where they are relative. Values are a day (`2025-08-10`), a month
//! (`2025-07`), an ISO week (`2025-W32`) or a year (`2024`).

use jiff::Span as Days;
use jiff::civil::{Date, Weekday};

use crate::analysis::Analysis;
use crate::record::DateMention;

const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("jan.", 1),
    ("jan", 1),
    ("february", 2),
    ("feb.", 2),
    ("feb", 2),
    ("march", 3),
    ("mar.", 3),
    ("april", 4),
    ("apr.", 4),
    ("may", 5),
    ("june", 6),
    ("jun.", 6),
    ("july", 7),
    ("jul.", 7),
    ("august", 8),
    ("aug.", 8),
    ("aug", 8),
    ("september", 9),
    ("sept.", 9),
    ("sep.", 9),
    ("sept", 9),
    ("october", 10),
    ("oct.", 10),
    ("oct", 10),
    ("november", 11),
    ("nov.", 11),
    ("nov", 11),
    ("december", 12),
    ("dec.", 12),
    ("dec", 12),
];

const WEEKDAYS: &[(&str, i8)] = &[
    ("monday", 0),
    ("tuesday", 1),
    ("wednesday", 2),
    ("thursday", 3),
    ("friday", 4),
    ("saturday", 5),
    ("sunday", 6),
];

/// Words before a bare year or month that make it a date ("in 2016").
const BEFORE_YEAR: &[&str] = &[
    "in",
    "since",
    "by",
    "until",
    "of",
    "from",
    "before",
    "after",
    "through",
    "early",
    "late",
    "mid",
    "during",
    "throughout",
    "till",
    "to",
];

fn lookup(table: &[(&str, i8)], w: &str) -> Option<i8> {
    table.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

/// Whether a lowercased token names a month.
pub(crate) fn is_month(w: &str) -> bool {
    lookup(MONTHS, w).is_some()
}

/// The article's own date from the record's ISO 8601 date or timestamp.
fn anchor(date: Option<&str>) -> Option<Date> {
    let d = date?.get(..10)?;
    let mut parts = d.split('-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Date::new(y, m, day).ok()
}

fn day_of(w: &str) -> Option<i8> {
    let digits = w
        .strip_suffix("st")
        .or_else(|| w.strip_suffix("nd"))
        .or_else(|| w.strip_suffix("rd"))
        .or_else(|| w.strip_suffix("th"))
        .unwrap_or(w);
    let d: i8 = digits.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn year_of(w: &str) -> Option<i16> {
    if w.len() != 4 {
        return None;
    }
    let y: i16 = w.parse().ok()?;
    (1000..=2199).contains(&y).then_some(y)
}

fn ymd(y: i16, m: i8, d: i8) -> Option<String> {
    Date::new(y, m, d).ok().map(|d| d.to_string())
}

fn month_value(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

fn week_value(date: Date) -> String {
    let w = date.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn shift(date: Date, days: i64) -> Option<Date> {
    date.checked_add(Days::new().try_days(days).ok()?).ok()
}

fn shift_months(date: Date, months: i64) -> Option<Date> {
    date.first_of_month()
        .checked_add(Days::new().try_months(months).ok()?)
        .ok()
}

/// A weekday relative to the article: the last one on or before it, the
/// next one after it with "next".
fn weekday(anchor: Date, target: Weekday, next: bool) -> Option<Date> {
    let today = anchor.weekday();
    if next {
        let ahead = today.until(target);
        shift(anchor, i64::from(if ahead == 0 { 7 } else { ahead }))
    } else {
        shift(anchor, -i64::from(target.until(today)))
    }
}

/// The first token of a date at `i` with the word before it: "last",
/// "next" and "this" belong to it.
fn with_opener(prev: &str, i: usize) -> usize {
    if matches!(prev, "last" | "next" | "this") {
        i - 1
    } else {
        i
    }
}

struct Found {
    start: usize,
    end: usize,
    value: Option<String>,
}

/// The date expression starting at token `i`, if any.
fn at(a: &Analysis<'_>, i: usize, now: Option<Date>) -> Option<Found> {
    let n = a.t.len();
    // "last week's": the possessive is no part of the date.
    let low = |k: usize| {
        let w = if k < n { a.lower[k].as_str() } else { "" };
        w.strip_suffix("'s")
            .or_else(|| w.strip_suffix("’s"))
            .filter(|r| !r.is_empty())
            .unwrap_or(w)
    };
    let raw = |k: usize| if k < n { a.t.str(k) } else { "" };
    let capital = |k: usize| raw(k).chars().next().is_some_and(char::is_uppercase);
    let w = low(i);
    let prev = if i > 0 { low(i - 1) } else { "" };
    // ISO dates written out: 2016-03-05.
    if w.len() == 10 && w.as_bytes().get(4) == Some(&b'-') {
        let v = anchor(Some(w))?;
        return Some(Found {
            start: i,
            end: i + 1,
            value: Some(v.to_string()),
        });
    }
    // Month names: "March 5", "March 5, 2016", "March 2016", "in March".
    if let Some(m) = lookup(MONTHS, w).filter(|_| capital(i)) {
        if m == 5 && a.pos[i] == "MD" {
            return None;
        }
        if let Some(d) = day_of(low(i + 1)) {
            let (year, end) = match (low(i + 2), year_of(low(i + 3)), year_of(low(i + 2))) {
                (",", Some(y), _) => (Some(y), i + 4),
                (_, _, Some(y)) => (Some(y), i + 3),
                _ => (now.map(|d| d.year()), i + 2),
            };
            return Some(Found {
                start: i,
                end,
                value: year.and_then(|y| ymd(y, m, d)),
            });
        }
        if let Some(y) = year_of(low(i + 1)) {
            return Some(Found {
                start: i,
                end: i + 2,
                value: Some(format!("{y:04}-{m:02}")),
            });
        }
        if BEFORE_YEAR.contains(&prev) || matches!(prev, "last" | "next" | "this") {
            let value = now.map(|d| {
                let y = match prev {
                    "next" => d.year() + i16::from(m <= d.month()),
                    "this" => d.year(),
                    _ => d.year() - i16::from(m > d.month()),
                };
                format!("{y:04}-{m:02}")
            });
            return Some(Found {
                start: with_opener(prev, i),
                end: i + 1,
                value,
            });
        }
        return None;
    }
    // "5 March 2016", "5 March".
    if let Some(d) = day_of(w)
        && let Some(m) = lookup(MONTHS, low(i + 1)).filter(|_| capital(i + 1))
    {
        let (year, end) = match year_of(low(i + 2)) {
            Some(y) => (Some(y), i + 3),
            None => (now.map(|d| d.year()), i + 2),
        };
        return Some(Found {
            start: i,
            end,
            value: year.and_then(|y| ymd(y, m, d)),
        });
    }
    // "in 2016".
    if let Some(y) = year_of(w)
        && BEFORE_YEAR.contains(&prev)
        && !matches!(low(i + 1), "%" | "percent")
    {
        return Some(Found {
            start: i,
            end: i + 1,
            value: Some(format!("{y:04}")),
        });
    }
    // Weekdays: "on Sunday", "next Monday".
    if let Some(k) = lookup(WEEKDAYS, w).filter(|_| capital(i)) {
        let target = Weekday::from_monday_zero_offset(k).ok()?;
        let next = prev == "next";
        return Some(Found {
            start: with_opener(prev, i),
            end: i + 1,
            value: now
                .and_then(|d| weekday(d, target, next))
                .map(|d| d.to_string()),
        });
    }
    let day = |offset: i64| now.and_then(|d| shift(d, offset)).map(|d| d.to_string());
    match w {
        "yesterday" => {
            return Some(Found {
                start: i,
                end: i + 1,
                value: day(-1),
            });
        }
        "today" | "tonight" => {
            return Some(Found {
                start: i,
                end: i + 1,
                value: day(0),
            });
        }
        "tomorrow" => {
            return Some(Found {
                start: i,
                end: i + 1,
                value: day(1),
            });
        }
        "last" | "this" | "next" => {
            let sign: i64 = match w {
                "last" => -1,
                "next" => 1,
                _ => 0,
            };
            let value = match low(i + 1) {
                "week" => now.and_then(|d| shift(d, 7 * sign)).map(week_value),
                "month" => now.and_then(|d| shift_months(d, sign)).map(month_value),
                "year" => now.map(|d| format!("{:04}", i64::from(d.year()) + sign)),
                _ => return None,
            };
            return Some(Found {
                start: i,
                end: i + 2,
                value,
            });
        }
        _ => {}
    }
    // "three days ago", "two weeks ago".
    let count: Option<i64> = w.parse().ok().or(match w {
        "a" | "an" | "one" => Some(1),
        "two" => Some(2),
        "three" => Some(3),
        "four" => Some(4),
        "five" => Some(5),
        "six" => Some(6),
        "seven" => Some(7),
        "eight" => Some(8),
        "nine" => Some(9),
        "ten" => Some(10),
        _ => None,
    });
    if let Some(c) = count
        && low(i + 2) == "ago"
    {
        let value = match low(i + 1) {
            "day" | "days" => now.and_then(|d| shift(d, -c)).map(|d| d.to_string()),
            "week" | "weeks" => now.and_then(|d| shift(d, -7 * c)).map(week_value),
            "month" | "months" => now.and_then(|d| shift_months(d, -c)).map(month_value),
            "year" | "years" => now.map(|d| format!("{:04}", i64::from(d.year()) - c)),
            _ => return None,
        };
        return Some(Found {
            start: i,
            end: i + 3,
            value,
        });
    }
    None
}

/// Every date mention in an analysed article; `date` is the article's own
/// (ISO 8601), the anchor of relative dates.
pub(crate) fn extract(a: &Analysis<'_>, date: Option<&str>) -> Vec<DateMention> {
    let now = anchor(date);
    let t = &a.t;
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        // Most tokens open no date: lowercase words other than these.
        let w = a.lower[i].as_str();
        let may = t
            .str(i)
            .starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            || matches!(
                w,
                "yesterday" | "today" | "tonight" | "tomorrow" | "last" | "this" | "next"
            )
            || a.lower.get(i + 2).is_some_and(|w| w == "ago");
        if !may {
            i += 1;
            continue;
        }
        match at(a, i, now) {
            Some(f) if f.end > f.start && f.end <= t.len() => {
                let last = t.str(f.end - 1);
                let cut = if last.ends_with("'s") {
                    2
                } else if last.ends_with("’s") {
                    "’s".len()
                } else {
                    0
                };
                let chars = if cut > 0 { 2 } else { 0 };
                out.push(DateMention {
                    text: t.text[t.tokens[f.start].byte_start..t.tokens[f.end - 1].byte_end - cut]
                        .to_owned(),
                    start: t.tokens[f.start].start,
                    end: t.tokens[f.end - 1].end - chars,
                    value: f.value,
                });
                i = f.end;
            }
            _ => i += 1,
        }
    }
    out
}
