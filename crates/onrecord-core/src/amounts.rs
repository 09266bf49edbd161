//! Amounts: money, counts, percentages and durations, read off the tokens
//! and normalised to a plain value and a unit ("EUR 114 bn" -> 114e9 EUR,
//! "three and a half hours" -> 3.5 h, "thousands of people a week" ->
//! 1000 people/week).
//!
//! Written by hand: number words, scale abbreviations and currency forms of
//! news English are a closed list, and no maintained crate reads them
//! together with the units they count.

use crate::analysis::Analysis;
use crate::record::Amount;

/// Currency symbols written before the number.
const SYMBOLS: &[(&str, &str)] = &[
    ("$", "USD"),
    ("US$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
    ("₽", "RUB"),
    ("₴", "UAH"),
    ("₩", "KRW"),
    ("C$", "CAD"),
    ("A$", "AUD"),
];

/// ISO 4217 codes written as words ("EUR 250 billion", "250bn USD").
const CODES: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CNY", "CHF", "RUB", "UAH", "INR", "CAD", "AUD", "KRW", "BRL",
    "MXN", "TRY", "SEK", "NOK", "DKK", "PLN", "ZAR", "HKD", "SGD", "NZD", "ILS", "SAR", "AED",
];

/// Currency words after the number, lowercased.
const WORDS: &[(&str, &str)] = &[
    ("dollar", "USD"),
    ("dollars", "USD"),
    ("euro", "EUR"),
    ("euros", "EUR"),
    ("pound", "GBP"),
    ("pounds", "GBP"),
    ("sterling", "GBP"),
    ("yen", "JPY"),
    ("yuan", "CNY"),
    ("renminbi", "CNY"),
    ("rupee", "INR"),
    ("rupees", "INR"),
    ("rouble", "RUB"),
    ("roubles", "RUB"),
    ("ruble", "RUB"),
    ("rubles", "RUB"),
    ("hryvnia", "UAH"),
    ("hryvnias", "UAH"),
    ("hryvnia", "UAH"),
    ("franc", "CHF"),
    ("francs", "CHF"),
    ("won", "KRW"),
    ("shekel", "ILS"),
    ("shekels", "ILS"),
    ("zloty", "PLN"),
];

/// "Canadian dollars" and the like: the qualifier picks the currency.
const QUALIFIED: &[(&str, &str, &str)] = &[
    ("canadian", "dollars", "CAD"),
    ("australian", "dollars", "AUD"),
    ("hong", "dollars", "HKD"),
    ("singapore", "dollars", "SGD"),
    ("swiss", "francs", "CHF"),
    ("mexican", "pesos", "MXN"),
    ("brazilian", "reais", "BRL"),
    ("turkish", "lira", "TRY"),
];

/// Scale words and abbreviations.
const SCALES: &[(&str, f64)] = &[
    ("hundred", 1e2),
    ("thousand", 1e3),
    ("k", 1e3),
    ("million", 1e6),
    ("mln", 1e6),
    ("mn", 1e6),
    ("m", 1e6),
    ("billion", 1e9),
    ("bn", 1e9),
    ("b", 1e9),
    ("trillion", 1e12),
    ("tn", 1e12),
    ("tr", 1e12),
    ("lakh", 1e5),
    ("crore", 1e7),
];

/// Plurals of scale words used as vague counts ("thousands of").
const VAGUE: &[(&str, f64)] = &[
    ("dozens", 12.0),
    ("hundreds", 1e2),
    ("thousands", 1e3),
    ("tens", 10.0),
    ("millions", 1e6),
    ("billions", 1e9),
];

const UNITS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("dozen", 12.0),
];

/// Time units: word forms and the unit written out.
const TIME_UNITS: &[(&str, &str)] = &[
    ("second", "s"),
    ("seconds", "s"),
    ("secs", "s"),
    ("minute", "min"),
    ("minutes", "min"),
    ("mins", "min"),
    ("hour", "h"),
    ("hours", "h"),
    ("hrs", "h"),
    ("day", "day"),
    ("days", "day"),
    ("week", "week"),
    ("weeks", "week"),
    ("month", "month"),
    ("months", "month"),
    ("year", "year"),
    ("years", "year"),
    ("decade", "decade"),
    ("decades", "decade"),
    ("century", "century"),
    ("centuries", "century"),
];

/// Plural nouns without a final "s".
const PLURALS: &[&str] = &[
    "people",
    "men",
    "women",
    "children",
    "police",
    "personnel",
    "staff",
    "cattle",
    "sheep",
    "fish",
    "media",
    "feet",
    "teeth",
    "mice",
    "geese",
    "aircraft",
    "troops",
    "data",
];

fn lookup<T: Copy>(table: &[(&str, T)], key: &str) -> Option<T> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// A number: its value and the decimal digits read, exact for integers
/// and decimals times powers of ten (`1.2bn` is 1200000000, not
/// 1199999999.9999998).
fn scaled(digits: &str, scale: f64) -> Option<f64> {
    let clean: String = digits.chars().filter(|&c| c != ',').collect();
    if clean.is_empty() || clean.starts_with('.') || clean.ends_with('.') {
        return None;
    }
    let (int, frac) = clean.split_once('.').unwrap_or((&clean, ""));
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if int.len() + frac.len() > 15 {
        return None;
    }
    let mantissa: f64 = format!("{int}{frac}").parse().ok()?;
    let exp = scale.log10().round() as i32 - frac.len() as i32;
    Some(if exp >= 0 {
        mantissa * 10f64.powi(exp)
    } else {
        mantissa / 10f64.powi(-exp)
    })
}

/// Digits with optional thousands separators and decimals ("40,000",
/// "3.5").
fn is_numeral(s: &str) -> bool {
    let mut groups = s.split(',');
    let first = groups.next().unwrap_or("");
    let digits_ok = |g: &str| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit());
    let (head, tail) = first.split_once('.').unwrap_or((first, ""));
    let rest: Vec<&str> = groups.collect();
    if rest.is_empty() {
        return digits_ok(head) && (tail.is_empty() || digits_ok(tail));
    }
    if !digits_ok(first) || first.len() > 3 {
        return false;
    }
    rest.iter().enumerate().all(|(k, g)| {
        let (g, dec) = if k + 1 == rest.len() {
            g.split_once('.').unwrap_or((g, ""))
        } else {
            (*g, "")
        };
        g.len() == 3 && digits_ok(g) && (dec.is_empty() || digits_ok(dec))
    })
}

/// A numeral with a scale letter attached ("3.5m", "40k", "1.2bn").
fn attached(s: &str) -> Option<(f64, &str)> {
    let split = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, suffix) = s.split_at(split);
    if !is_numeral(num) {
        return None;
    }
    let scale = lookup(SCALES, &suffix.to_ascii_lowercase())?;
    Some((scaled(num, scale)?, suffix))
}

/// An ISO code glued to its number ("EUR250", "USD3.5m").
fn glued_code(s: &str) -> Option<&'static str> {
    let code = s.get(..3)?;
    let rest = s.get(3..)?;
    let number = rest.starts_with(|c: char| c.is_ascii_digit())
        && (is_numeral(rest) || attached(rest).is_some());
    CODES
        .iter()
        .find(|&&c| c == code)
        .copied()
        .filter(|_| number)
}

/// One read number: value (and upper bound of a range), tokens `start..end`.
#[derive(Debug, Clone, Copy)]
struct Number {
    value: f64,
    max: Option<f64>,
    end: usize,
    /// Written with digits (rather than words).
    digits: bool,
    /// A bare four-digit year-like integer ("2016").
    yearlike: bool,
    /// A vague plural ("thousands").
    vague: bool,
    /// The scale written after it (1 for none).
    scale: f64,
}

impl Number {
    /// A number written as one token of digits at `i` ("3.5m", "EUR250").
    fn one_token(value: f64, i: usize, scale: f64) -> Number {
        Number {
            value,
            max: None,
            end: i + 1,
            digits: true,
            yearlike: false,
            vague: false,
            scale,
        }
    }
}

struct Reader<'x, 'a> {
    a: &'x Analysis<'a>,
}

impl Reader<'_, '_> {
    fn len(&self) -> usize {
        self.a.t.len()
    }
    /// Token `i` as written; a number that ends a sentence keeps its full
    /// stop in the tokenizer ("$0.75."), which is dropped here.
    fn raw(&self, i: usize) -> &str {
        if i >= self.len() {
            return "";
        }
        let s = self.a.t.str(i);
        match s.strip_suffix('.') {
            Some(n) if n.ends_with(|c: char| c.is_ascii_digit()) && n.contains('.') => n,
            _ => s,
        }
    }
    fn low(&self, i: usize) -> &str {
        if i < self.len() {
            self.a.lower[i].as_str()
        } else {
            ""
        }
    }
    fn same_sentence(&self, i: usize, j: usize) -> bool {
        j < self.len() && self.a.t.tokens[i].sentence == self.a.t.tokens[j].sentence
    }

    /// A number word or compound ("twenty-five", "three").
    fn word_number(&self, w: &str) -> Option<f64> {
        if let Some(v) = lookup(UNITS, w) {
            return Some(v);
        }
        let (tens, unit) = w.split_once('-')?;
        let t = lookup(UNITS, tens).filter(|v| *v >= 20.0 && *v % 10.0 == 0.0)?;
        let u = lookup(UNITS, unit).filter(|v| (1.0..10.0).contains(v))?;
        Some(t + u)
    }

    /// The scale words at `i..`: product and end.
    fn scales(&self, mut i: usize) -> (f64, usize) {
        let mut scale = 1.0;
        while let Some(s) = lookup(SCALES, self.low(i)) {
            // A lone "m" or "b" is a scale only glued to money ("$5 m").
            if matches!(self.low(i), "m" | "b") && self.raw(i).len() == 1 && scale == 1.0 {
                let next = self.low(i + 1);
                if !(next.is_empty() || matches!(next, "." | "," | ";" | ")")) {
                    break;
                }
            }
            scale *= s;
            i += 1;
        }
        (scale, i)
    }

    /// "and a half", "and a quarter" after a number.
    fn fraction(&self, i: usize) -> Option<(f64, usize)> {
        if self.low(i) != "and" || !matches!(self.low(i + 1), "a" | "one") {
            return None;
        }
        match self.low(i + 2) {
            "half" => Some((0.5, i + 3)),
            "quarter" => Some((0.25, i + 3)),
            _ => None,
        }
    }

    /// A single number at `i` with its scale.
    fn single(&self, i: usize) -> Option<Number> {
        let raw = self.raw(i);
        let low = self.low(i);
        let mut n = if is_numeral(raw) {
            let (scale, end) = self.scales(i + 1);
            let yearlike = scale == 1.0
                && raw.len() == 4
                && raw.chars().all(|c| c.is_ascii_digit())
                && (1800..=2100).contains(&raw.parse::<u32>().unwrap_or(0));
            Number {
                value: scaled(raw, scale)?,
                max: None,
                end,
                digits: true,
                yearlike,
                vague: false,
                scale,
            }
        } else if let Some(rest) = glued_code(raw).map(|_| &raw[3..])
            && let Some(value) = scaled(rest, 1.0).or_else(|| attached(rest).map(|(v, _)| v))
        {
            Number::one_token(value, i, 1.0)
        } else if let Some((value, suffix)) = attached(raw) {
            let scale = lookup(SCALES, &suffix.to_ascii_lowercase()).unwrap_or(1.0);
            Number::one_token(value, i, scale)
        } else if let Some(v) = lookup(VAGUE, low) {
            // "tens of thousands", "hundreds of millions".
            let (value, end) = match lookup(VAGUE, self.low(i + 2)) {
                Some(w) if self.low(i + 1) == "of" && w > v => (v * w, i + 3),
                _ => (v, i + 1),
            };
            Number {
                value,
                max: None,
                end,
                digits: false,
                yearlike: false,
                vague: true,
                scale: 1.0,
            }
        } else {
            // "a million", "half a million", "three", "a dozen".
            let (base, next) = match low {
                "a" | "an" => (1.0, i + 1),
                "half" if matches!(self.low(i + 1), "a" | "an") => (0.5, i + 2),
                _ => (self.word_number(low)?, i + 1),
            };
            let (mut value, mut end) = (base, next);
            if let Some((f, e)) = self.fraction(end) {
                value += f;
                end = e;
            }
            let (scale, e) = self.scales(end);
            let dozen = matches!(low, "a" | "an") && self.low(next) == "dozen";
            if matches!(low, "a" | "an" | "half") && scale == 1.0 && !dozen {
                return None;
            }
            if dozen {
                value = 12.0;
                end = next + 1;
            }
            Number {
                value: value * scale,
                max: None,
                end: if scale == 1.0 { end } else { e },
                digits: false,
                yearlike: false,
                vague: false,
                scale,
            }
        };
        if n.digits
            && let Some((f, e)) = self.fraction(n.end)
        {
            n.value += f;
            n.end = e;
        }
        Some(n)
    }

    /// A number or a range ("5 to 7 thousand", "5-7", "between 5 and 7
    /// million") at `i`.
    fn number(&self, i: usize) -> Option<Number> {
        let raw = self.raw(i);
        // Most tokens are no number: a cheap test first.
        let low = self.low(i);
        let starts = raw.starts_with(|c: char| c.is_ascii_digit())
            || glued_code(raw).is_some()
            || matches!(low, "a" | "an" | "half" | "between")
            || lookup(VAGUE, low).is_some()
            || self.word_number(low).is_some();
        if !starts {
            return None;
        }
        // "5-7" written as one token.
        if let Some((lo, hi)) = raw.split_once(['-', '–'])
            && is_numeral(lo)
            && is_numeral(hi)
        {
            let (scale, end) = self.scales(i + 1);
            return Some(Number {
                value: scaled(lo, scale)?,
                max: Some(scaled(hi, scale)?),
                end,
                digits: true,
                yearlike: false,
                vague: false,
                scale,
            });
        }
        let between = self.low(i) == "between";
        let mut start = if between { i + 1 } else { i };
        // "between $10 and $15 billion".
        if between && lookup(SYMBOLS, self.raw(start)).is_some() {
            start += 1;
        }
        let first = self.single(start)?;
        let joiner = self.low(first.end);
        let joins = if between {
            joiner == "and"
        } else {
            matches!(joiner, "to" | "-" | "–" | "or")
        };
        if joins && !first.vague {
            let mut k = first.end + 1;
            // "$5 to $7 million": the symbol again.
            if lookup(SYMBOLS, self.raw(k)).is_some() {
                k += 1;
            }
            if let Some(second) = self.single(k)
                && !second.vague
                && second.digits == first.digits
                && !second.yearlike
            {
                // "5 to 7 thousand": the second number's scale is both's.
                let lo = if first.scale == 1.0 {
                    first.value * second.scale
                } else {
                    first.value
                };
                let hi = second.value;
                if hi > lo {
                    return Some(Number {
                        value: lo,
                        max: Some(hi),
                        end: second.end,
                        digits: first.digits,
                        yearlike: false,
                        vague: false,
                        scale: second.scale,
                    });
                }
            }
        }
        if between {
            return None;
        }
        Some(first)
    }

    /// The currency written before a number at `i`: code and first token.
    fn currency_before(&self, i: usize) -> Option<(&'static str, usize)> {
        if i == 0 {
            return None;
        }
        let prev = self.raw(i - 1);
        if let Some(code) = lookup(SYMBOLS, prev) {
            // "US$", "C$", "A$" split by the tokenizer.
            if i >= 2 && self.a.t.tokens[i - 2].end == self.a.t.tokens[i - 1].start {
                let pre = self.raw(i - 2);
                let code = match pre {
                    "US" | "U.S." => Some("USD"),
                    "C" | "CA" => Some("CAD"),
                    "A" | "AU" => Some("AUD"),
                    "HK" => Some("HKD"),
                    "NZ" => Some("NZD"),
                    _ => None,
                };
                if let Some(code) = code {
                    return Some((code, i - 2));
                }
            }
            return Some((code, i - 1));
        }
        CODES.iter().find(|&&c| c == prev).map(|&c| (c, i - 1))
    }

    /// The currency written after a number ending at `i`: code and end.
    fn currency_after(&self, i: usize) -> Option<(&'static str, usize)> {
        let w = self.low(i);
        if let Some(&c) = CODES.iter().find(|&&c| c == self.raw(i)) {
            return Some((c, i + 1));
        }
        if matches!(w, "u.s." | "us") && matches!(self.low(i + 1), "dollars" | "dollar") {
            return Some(("USD", i + 2));
        }
        for &(q, unit, code) in QUALIFIED {
            if w == q {
                let skip = usize::from(q == "hong");
                if self.low(i + 1 + skip) == unit {
                    return Some((code, i + 2 + skip));
                }
            }
        }
        let code = lookup(WORDS, w)?;
        Some((code, i + 1))
    }

    /// "a week", "per day", "each year" after a unit: the rate.
    fn rate(&self, i: usize) -> Option<(&'static str, usize)> {
        if !matches!(self.low(i), "a" | "an" | "per" | "each" | "every" | "/") {
            return None;
        }
        let unit = lookup(TIME_UNITS, self.low(i + 1))?;
        Some((unit, i + 2))
    }

    /// A plural noun (after adjectives) at `i`: the counted unit and end.
    fn counted(&self, i: usize) -> Option<(String, usize)> {
        let mut k = i;
        // "of" after a vague plural or a scale ("thousands of people").
        for _ in 0..3 {
            if !self.same_sentence(i.saturating_sub(1), k) {
                return None;
            }
            let pos = self.a.pos[k];
            let w = self.low(k);
            let plural = PLURALS.contains(&w)
                || (w.len() > 3
                    && w.ends_with('s')
                    && !w.ends_with("ss")
                    && !w.ends_with("'s")
                    && !w.ends_with("’s"));
            let group = pos == "NNP" && k == i && i > 0 && self.low(i - 1) == "of";
            if (pos == "NN" || group) && plural && w.chars().all(|c| c.is_alphabetic() || c == '-')
            {
                // "police officers": the last noun of a compound.
                let mut end = k + 1;
                while self.same_sentence(k, end)
                    && self.a.pos[end] == "NN"
                    && self.low(end).ends_with('s')
                    && self.low(end).chars().all(char::is_alphabetic)
                {
                    end += 1;
                }
                return Some((self.low(end - 1).to_owned(), end));
            }
            if pos == "JJ" || pos == "VBN" || (pos == "NN" && w.contains('-')) {
                k += 1;
                continue;
            }
            return None;
        }
        None
    }
}

/// Every amount in an analysed article.
pub(crate) fn extract(a: &Analysis<'_>) -> Vec<Amount> {
    let r = Reader { a };
    let t = &a.t;
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let Some(n) = r.number(i) else {
            i += 1;
            continue;
        };
        // Parts of dates, times, names and ordinals are not amounts.
        let prev = if i > 0 { r.low(i - 1) } else { "" };
        let ago = lookup(TIME_UNITS, r.low(n.end)).is_some() && r.low(n.end + 1) == "ago";
        if ago || crate::timex::is_month(prev) || matches!(prev, "no." | "number" | "#" | "covid") {
            i = n.end.max(i + 1);
            continue;
        }
        let mut start = i;
        let mut end = n.end;
        let mut found: Option<(String, &'static str)> = None;
        let glued = glued_code(r.raw(i));
        if r.low(i) == "between"
            && let Some(code) = lookup(SYMBOLS, r.raw(i + 1))
        {
            found = Some((code.to_owned(), "money"));
        } else if let Some(code) = glued {
            found = Some((code.to_owned(), "money"));
        } else if let Some((code, s)) = r.currency_before(i) {
            start = s;
            found = Some((code.to_owned(), "money"));
        } else if let Some((code, e)) = r.currency_after(end)
            // "pounds" under a thousand without "sterling" weigh something.
            && !(code == "GBP"
                && r.low(end) == "pounds"
                && n.value < 1e3
                && !r.low(end + 1).starts_with("sterling"))
        {
            end = e;
            found = Some((code.to_owned(), "money"));
        } else if r.raw(end) == "%" || matches!(r.low(end), "percent" | "pct") {
            end += 1;
            found = Some(("%".to_owned(), "percent"));
        } else if r.low(end) == "per" && r.low(end + 1) == "cent" {
            end += 2;
            found = Some(("%".to_owned(), "percent"));
        } else if r.low(end) == "percentage" && r.low(end + 1) == "points" {
            end += 2;
            found = Some(("pp".to_owned(), "percent"));
        } else if !n.yearlike
            && !n.vague
            && let Some(unit) = lookup(TIME_UNITS, r.low(end))
        {
            end += 1;
            found = Some((unit.to_owned(), "duration"));
        } else if !n.yearlike {
            let after_of = if r.low(end) == "of" { end + 1 } else { end };
            if n.vague && after_of == end {
                // "thousands" alone counts nothing.
            } else if let Some((code, e)) = r.currency_after(after_of).filter(|_| after_of > end) {
                // "millions of dollars".
                end = e;
                found = Some((code.to_owned(), "money"));
            } else if let Some((unit, e)) = r.counted(after_of) {
                end = e;
                found = Some((unit, "count"));
            }
        }
        let Some((mut unit, kind)) = found else {
            i = n.end.max(i + 1);
            continue;
        };
        // "a week", "per hour": a rate.
        if kind != "percent"
            && kind != "duration"
            && let Some((per, e)) = r.rate(end)
        {
            unit = format!("{unit}/{per}");
            end = e;
        }
        // A full stop the last token kept is not part of the amount.
        let cut = t.str(end - 1).len() - r.raw(end - 1).len();
        let (s, e) = (t.tokens[start].start, t.tokens[end - 1].end - cut);
        let text = &t.text[t.tokens[start].byte_start..t.tokens[end - 1].byte_end - cut];
        out.push(Amount {
            text: text.to_owned(),
            start: s,
            end: e,
            value: n.value,
            max: n.max,
            unit,
            kind: kind.to_owned(),
        });
        i = end;
    }
    out
}
