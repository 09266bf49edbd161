//! Speaker names: a speaker mention resolved, within the article, to the
//! fullest name the article uses ("he", "the Russian President", "Putin" ->
//! "Vladimir Putin").

use std::collections::HashMap;

use crate::text::Tokens;

/// Titles and roles that precede a name and are not part of it.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "president",
    "vice",
    "secretary",
    "speaker",
    "minister",
    "prime",
    "chancellor",
    "judge",
    "justice",
    "gen",
    "general",
    "lt",
    "col",
    "colonel",
    "sgt",
    "capt",
    "captain",
    "adm",
    "admiral",
    "attorney",
    "former",
    "first",
    "lady",
    "chief",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "director",
    "mayor",
    "leader",
    "majority",
    "minority",
    "candidate",
    "nominee",
    "democratic",
    "republican",
    "gop",
    "state",
    "sir",
    "dame",
    "lord",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "rev",
    "reverend",
    "prof",
    "professor",
    "ambassador",
    "commissioner",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "press",
    "campaign",
    "manager",
    "chairperson",
    "house",
    "senate",
    "deputy",
    "assistant",
    "acting",
    "u.s.",
    "us",
    "federal",
    "foreign",
    "defense",
    "defence",
    "premier",
    "presidential",
    "host",
    "anchor",
    "founder",
    "executive",
    "officer",
    "agent",
    "sheriff",
    "detective",
    "officer",
    "billionaire",
    "businessman",
    "hopeful",
    "sens",
    "reps",
    "govs",
    "pres",
    "atty",
    "messrs",
    "dem",
    "dems",
    "gop's",
    "senior",
    "adviser",
    "advisor",
    "counsel",
    "white",
    "nominees",
    "rival",
    "contender",
    "strategist",
    "pollster",
];

/// Words that open a sentence without being part of the name after them.
const OPENERS: &[&str] = &[
    "the",
    "a",
    "an",
    "but",
    "and",
    "in",
    "on",
    "at",
    "when",
    "while",
    "after",
    "before",
    "as",
    "if",
    "so",
    "then",
    "yet",
    "for",
    "of",
    "to",
    "by",
    "with",
    "from",
    "that",
    "this",
    "also",
    "still",
    "even",
    "meanwhile",
    "however",
    "later",
    "earlier",
    "asked",
    "said",
    "says",
    "told",
    "according",
];

const MALE: &[&str] = &["he", "him", "his", "himself"];
const FEMALE: &[&str] = &["she", "her", "hers", "herself"];

fn bare(w: &str) -> String {
    w.trim_end_matches('.').to_lowercase()
}

fn is_title(w: &str) -> bool {
    TITLES.contains(&bare(w).as_str())
}

fn is_cap(w: &str) -> bool {
    let mut c = w.chars();
    c.next().is_some_and(char::is_uppercase) && w.chars().any(char::is_alphabetic)
}

fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("’s")
        .or_else(|| w.strip_suffix("'s"))
        .or_else(|| w.strip_suffix('’'))
        .unwrap_or(w)
}

/// A proper name found in the text.
#[derive(Debug, Clone)]
struct Name {
    /// Token index of the first name token (after titles).
    first_token: usize,
    words: Vec<String>,
    /// Lowercased title words before it ("russian president").
    role: Option<String>,
}

impl Name {
    fn text(&self) -> String {
        self.words.join(" ")
    }
}

/// Proper names of an article, with the roles written beside them.
pub(crate) struct Names {
    names: Vec<Name>,
    by_last: HashMap<String, usize>,
    roles: HashMap<String, Vec<usize>>,
}

fn name_from(t: &Tokens<'_>, from: usize, to: usize, sentence_start: bool) -> Option<Name> {
    let words: Vec<&str> = (from..to).map(|i| t.str(i)).collect();
    let mut k = 0;
    if sentence_start {
        while k < words.len() && OPENERS.contains(&bare(words[k]).as_str()) {
            k += 1;
        }
    }
    let mut role = Vec::new();
    while k + 1 < words.len()
        && (is_title(words[k])
            || (k + 1 < words.len() && is_title(words[k + 1]) && is_cap(words[k])))
    {
        role.push(bare(words[k]));
        k += 1;
    }
    let rest: Vec<String> = words[k..]
        .iter()
        .map(|w| strip_possessive(w).to_owned())
        .filter(|w| !w.is_empty())
        .collect();
    if rest.is_empty() {
        return None;
    }
    Some(Name {
        first_token: from + k,
        words: rest,
        role: (!role.is_empty()).then(|| role.join(" ")),
    })
}

impl Names {
    pub(crate) fn find(t: &Tokens<'_>) -> Names {
        let mut names = Vec::new();
        let mut i = 0;
        while i < t.len() {
            let w = t.str(i);
            if !is_cap(w) {
                i += 1;
                continue;
            }
            let start = i;
            let mut j = i + 1;
            while j < t.len() && t.tokens[j].sentence == t.tokens[start].sentence {
                let w = t.str(j);
                let joins = is_cap(w)
                    || (matches!(w, "de" | "van" | "von" | "bin" | "al" | "la" | "del")
                        && j + 1 < t.len()
                        && is_cap(t.str(j + 1)));
                if !joins {
                    break;
                }
                j += 1;
                if w.ends_with("’s") || w.ends_with("'s") {
                    break;
                }
            }
            let at_start = t.sentences_start(start) == start
                || matches!(t.str(start.saturating_sub(1)), "“" | "\"" | "(" | "‘");
            if let Some(name) = name_from(t, start, j, at_start) {
                names.push(name);
            }
            i = j;
        }
        let mut by_last: HashMap<String, usize> = HashMap::new();
        let mut roles: HashMap<String, Vec<usize>> = HashMap::new();
        for (k, n) in names.iter().enumerate() {
            let Some(last) = n.words.last() else { continue };
            let entry = by_last.entry(last.to_lowercase()).or_insert(k);
            if names[*entry].words.len() < n.words.len() {
                *entry = k;
            }
            if let Some(role) = &n.role
                && n.words.len() >= 2
            {
                let ks = roles.entry(role.clone()).or_default();
                ks.push(k);
                // "Russian President" also answers "the president" and, by
                // its first word, "the Russian leader".
                if let Some(head) = role.split(' ').next_back()
                    && head != role
                {
                    roles.entry(head.to_owned()).or_default().push(k);
                }
                if let Some(first) = role.split(' ').next()
                    && first != role
                {
                    roles.entry(format!("{first} *")).or_default().push(k);
                }
            }
        }
        Names {
            names,
            by_last,
            roles,
        }
    }

    fn fullest(&self, words: &[String]) -> Option<String> {
        let last = words.last()?.to_lowercase();
        let &k = self.by_last.get(&last)?;
        let full = &self.names[k];
        (full.words.len() >= words.len()).then(|| full.text())
    }

    fn by_role(&self, role: &str) -> Option<String> {
        let ks = self.roles.get(role)?;
        let first = self.names[*ks.first()?].text();
        // Unambiguous only: every name with this role is the same person.
        ks.iter()
            .all(|&k| self.names[k].text() == first)
            .then_some(first)
    }

    /// The person a pronoun at token `at` most likely refers to: the
    /// nearest earlier multi-word name (or earlier resolved speaker).
    fn antecedent(&self, at: usize, earlier_speakers: &[(usize, String)]) -> Option<String> {
        let speaker = earlier_speakers
            .iter()
            .rev()
            .find(|(pos, name)| *pos < at && name.contains(' '))
            .map(|(pos, name)| (*pos, name.clone()));
        let name = self
            .names
            .iter()
            .rev()
            .find(|n| n.first_token < at && (n.words.len() >= 2 || n.role.is_some()))
            .map(|n| {
                (
                    n.first_token,
                    self.fullest(&n.words).unwrap_or_else(|| n.text()),
                )
            });
        match (speaker, name) {
            // A recent speaker wins unless a name came much later.
            (Some((sp, s)), Some((np, n))) => Some(if np > sp + 40 { n } else { s }),
            (Some((_, s)), None) => Some(s),
            (None, Some((_, n))) => Some(n),
            (None, None) => None,
        }
    }

    /// Resolves the speaker mention at tokens `from..to`.
    pub(crate) fn resolve(
        &self,
        t: &Tokens<'_>,
        from: usize,
        to: usize,
        earlier_speakers: &[(usize, String)],
    ) -> Option<String> {
        let words: Vec<&str> = (from..to).map(|i| t.str(i)).collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        if lower.len() == 1 {
            let w = lower[0].as_str();
            if MALE.contains(&w) || FEMALE.contains(&w) {
                return self.antecedent(from, earlier_speakers);
            }
            if matches!(w, "i" | "we" | "they" | "it" | "you" | "us" | "them" | "me") {
                return None;
            }
            // "Officials in Kyiv, who asked ...": the phrase before the comma.
            if matches!(w, "who" | "which") && from >= 2 && t.str(from - 1) == "," {
                let end = from - 1;
                let sentence = t.tokens[end - 1].sentence;
                let mut start = end - 1;
                while start > 0
                    && end - start < 6
                    && t.tokens[start - 1].sentence == sentence
                    && t.str(start - 1) != ","
                    && t.str(start - 1).chars().any(char::is_alphanumeric)
                {
                    start -= 1;
                }
                return self.resolve(t, start, end, earlier_speakers);
            }
        }
        // A proper name inside the mention: its fullest form. In an
        // appositive ("Mr. Putin's spokesman, Dmitry Peskov,") the name after
        // the comma is the speaker's own.
        let segments: Vec<(usize, usize)> = {
            let mut out = Vec::new();
            let mut start = from;
            for i in from..=to {
                if i == to || t.str(i) == "," {
                    if start < i {
                        out.push((start, i));
                    }
                    start = i + 1;
                }
            }
            out
        };
        let person_like = |(a, b): (usize, usize)| {
            let caps = (a..b)
                .filter(|&i| is_cap(t.str(i)) && !is_title(t.str(i)))
                .count();
            caps >= 2 && (a..b).all(|i| is_cap(t.str(i)) || t.str(i).contains('.'))
        };
        let (seg_from, seg_to) = segments
            .iter()
            .copied()
            .skip(1)
            .find(|&seg| person_like(seg))
            .unwrap_or((from, to));
        let words_seg: Vec<&str> = (seg_from..seg_to).map(|i| t.str(i)).collect();
        if let Some(first_cap) =
            (0..words_seg.len()).find(|&k| is_cap(words_seg[k]) && !is_title(words_seg[k]))
        {
            let at_start = first_cap == 0 && t.sentences_start(seg_from) == seg_from;
            if let Some(name) = name_from(t, seg_from + first_cap, seg_to, at_start) {
                let cap_words: Vec<String> = name
                    .words
                    .iter()
                    .take_while(|w| is_cap(w) || w.contains('.'))
                    .cloned()
                    .collect();
                // A lone capitalised word opening the sentence ("Officials
                // in Kyiv") is no name.
                let sentence_initial = at_start && cap_words.len() == 1;
                if !cap_words.is_empty()
                    && !sentence_initial
                    && !is_title(&cap_words[0])
                    && let Some(full) = self.fullest(&cap_words)
                {
                    // "the Kremlin", "the White House": a body keeps its
                    // article when the text gives nothing fuller.
                    let bare_body = full.split(' ').count() == cap_words.len()
                        && lower.first().is_some_and(|w| w == "the")
                        && seg_from == from;
                    if !bare_body {
                        return Some(full);
                    }
                }
            }
        }
        // A role: "the Russian President", "the senator".
        let role: Vec<String> = lower
            .iter()
            .skip_while(|w| matches!(w.as_str(), "the" | "a" | "an"))
            .map(|w| bare(w))
            .collect();
        if !role.is_empty() && role.len() <= 4 {
            if let Some(name) = self.by_role(&role.join(" ")) {
                return Some(name);
            }
            // "the Russian leader" after "Russian President Vladimir Putin".
            if role.len() == 2
                && is_title(&role[1])
                && let Some(name) = self.by_role(&format!("{} *", role[0]))
            {
                return Some(name);
            }
        }
        // The mention without a trailing relative clause ("Officials in
        // Kyiv, who asked not to be named").
        let end = (from + 1..to)
            .find(|&i| {
                t.str(i - 1) == "," && matches!(lower[i - from].as_str(), "who" | "which" | "whose")
            })
            .map_or(to, |i| i - 1);
        let text = &t.text[t.tokens[from].byte_start..t.tokens[end - 1].byte_end];
        let text = text.trim_end_matches([',', ' ']);
        Some(strip_possessive(text.trim()).to_owned()).filter(|s| !s.is_empty())
    }
}
