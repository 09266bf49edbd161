//! Person names of an article, shared by the entity and attribution
//! stages. Speaker names: a speaker mention resolved, within the article, to the
//! fullest name the article uses ("he", "the Russian President", "Putin" ->
//! "Vladimir Putin").

use std::collections::HashMap;
use std::sync::OnceLock;

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

/// Words in [`TITLES`] that strip a cap run's opening but are no role.
const NOT_ROLES: &[&str] = &[
    "later",
    "earlier",
    "asked",
    "said",
    "says",
    "told",
    "according",
];

/// Words that open a sentence without being part of the name after them
/// (with [`NOT_ROLES`]).
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
];

/// What a pronoun or a first name says of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
}

/// First names and the pronoun used for them, learned from PolNeAR train
/// (`cargo xtask build-genders`).
const FIRST_NAMES: &str = include_str!("../../data/first-names.txt");

fn first_name_gender(w: &str) -> Option<Gender> {
    static LIST: OnceLock<HashMap<&'static str, Gender>> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        FIRST_NAMES
            .lines()
            .filter_map(|l| {
                let (name, g) = l.split_once('\t')?;
                let g = match g {
                    "m" => Gender::Male,
                    "f" => Gender::Female,
                    _ => return None,
                };
                Some((name, g))
            })
            .collect()
    });
    list.get(w).copied()
}

/// Where the noun phrase ending before token `end` starts: at most six
/// words of one sentence, back to a determiner (kept) or to a
/// preposition, conjunction, verb, participle or punctuation (left out).
fn noun_phrase_before(t: &Tokens<'_>, end: usize) -> usize {
    let Some(last) = end.checked_sub(1) else {
        return end;
    };
    let sentence = t.tokens[last].sentence;
    let mut start = end;
    while start > 0 && end - start < 6 {
        let w = t.str(start - 1);
        let lower = w.to_lowercase();
        let wordlike = w.chars().any(char::is_alphanumeric)
            && w.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '\'' | '’'));
        let participle = lower == w && (w.ends_with("ed") || w.ends_with("ing"));
        if t.tokens[start - 1].sentence != sentence
            || !wordlike
            || participle
            || NOT_ANTECEDENT.contains(&lower.as_str())
        {
            break;
        }
        start -= 1;
        if DETERMINERS.contains(&lower.as_str()) {
            break;
        }
    }
    start
}

/// Words that end the noun phrase a relative pronoun looks back over.
const NOT_ANTECEDENT: &[&str] = &[
    "and",
    "or",
    "but",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "with",
    "by",
    "from",
    "as",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "said",
    "says",
    "say",
    "told",
    "than",
    "like",
    "unlike",
    "between",
    "among",
    "about",
    "against",
    "into",
    "over",
    "under",
    "after",
    "before",
    "during",
    "including",
    "while",
    "when",
    "where",
    "because",
    "if",
    "whether",
    "not",
    "also",
    "have",
    "has",
    "had",
];

/// Words that open a noun phrase (kept, and the look back stops there).
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "some", "many", "most", "several", "two", "three",
];

const MALE: &[&str] = &["he", "him", "his", "himself"];
const FEMALE: &[&str] = &["she", "her", "hers", "herself"];

fn bare(w: &str) -> String {
    w.trim_end_matches('.').to_lowercase()
}

/// Whether a word is a title or role word ("President", "Sen.").
pub(crate) fn is_title_word(w: &str) -> bool {
    is_title(w)
}

fn is_title(w: &str) -> bool {
    // Without allocating: titles are short ASCII words.
    let w = w.trim_end_matches('.');
    if w.len() > 16 || !w.is_ascii() {
        return false;
    }
    let mut buf = [0u8; 16];
    let lower = &mut buf[..w.len()];
    lower.copy_from_slice(w.as_bytes());
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower).is_ok_and(|l| TITLE_SET.with(|set| set.contains(l)))
}

thread_local! {
    static TITLE_SET: std::collections::HashSet<&'static str> = TITLES.iter().copied().collect();
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

    /// The gender a title ("Mrs.") or first name tells, if any.
    fn gender(&self) -> Option<Gender> {
        let titled = self.role.as_deref().and_then(|r| {
            r.split(' ').find_map(|w| match w {
                "mr" | "sir" | "lord" | "king" | "prince" | "businessman" | "spokesman"
                | "chairman" => Some(Gender::Male),
                "mrs" | "ms" | "miss" | "dame" | "lady" | "queen" | "princess" | "spokeswoman"
                | "chairwoman" => Some(Gender::Female),
                _ => None,
            })
        });
        titled.or_else(|| {
            self.words
                .first()
                .filter(|_| self.words.len() >= 2)
                .and_then(|w| first_name_gender(w))
        })
    }
}

/// Proper names of an article, with the roles written beside them.
pub(crate) struct Names {
    names: Vec<Name>,
    by_last: HashMap<String, usize>,
    roles: HashMap<String, Vec<usize>>,
    /// Built from the entity tagger's people (rather than from every
    /// capitalised run): a lone word is a person's name too.
    tagged: bool,
}

fn name_from(t: &Tokens<'_>, from: usize, to: usize, sentence_start: bool) -> Option<Name> {
    let words: Vec<&str> = (from..to).map(|i| t.str(i)).collect();
    let mut k = 0;
    if sentence_start {
        while k < words.len() && {
            let w = bare(words[k]);
            OPENERS.contains(&w.as_str()) || NOT_ROLES.contains(&w.as_str())
        } {
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
        Names::index(names, false)
    }

    /// Names from the entity tagger's person spans (token ranges), each
    /// taking the titles written before it ("Russian President").
    pub(crate) fn from_persons(t: &Tokens<'_>, persons: &[(usize, usize)]) -> Names {
        let mut names = Vec::new();
        for &(s, e) in persons {
            let sentence = t.tokens[s].sentence;
            let mut start = s;
            while start > 0 && t.tokens[start - 1].sentence == sentence {
                let w = t.str(start - 1);
                let title = is_title(w) && !NOT_ROLES.contains(&bare(w).as_str());
                let qualifier = is_cap(w) && start < s && is_title(t.str(start));
                if !(title || qualifier) {
                    break;
                }
                start -= 1;
            }
            let at_start = t.sentences_start(start) == start
                || matches!(t.str(start.saturating_sub(1)), "“" | "\"" | "(" | "‘");
            if let Some(name) = name_from(t, start, e, at_start) {
                names.push(name);
            }
        }
        Names::index(names, true)
    }

    fn index(names: Vec<Name>, tagged: bool) -> Names {
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
            tagged,
        }
    }

    fn fullest(&self, words: &[String]) -> Option<String> {
        let last = words.last()?.to_lowercase();
        let &k = self.by_last.get(&last)?;
        let full = &self.names[k];
        // Every word written is in the full name ("North Korea" is not
        // "N. Korea", "Jeh Johnson" not "Gary Johnson").
        let agrees = words
            .iter()
            .all(|w| full.words.iter().any(|f| f.eq_ignore_ascii_case(w)));
        (full.words.len() >= words.len() && agrees).then(|| full.text())
    }

    /// Whether `name` is the full name of a person of the article.
    pub(crate) fn knows(&self, name: &str) -> bool {
        self.names.iter().any(|n| n.text() == name)
    }

    /// The canonical name of a person written `written` ("President
    /// Vladimir Putin", "Putin's", "Putin"): titles and possessive off, the
    /// fullest name the article gives for that surname, else for that
    /// first name when only one person has it.
    pub(crate) fn canonical(&self, written: &str) -> String {
        let mut words: Vec<String> = written
            .split_whitespace()
            .map(|w| strip_possessive(w).to_owned())
            .filter(|w| !w.is_empty())
            .collect();
        while words.len() > 1 && is_title(&words[0]) {
            words.remove(0);
        }
        if let Some(full) = self.fullest(&words) {
            return full;
        }
        if let [only] = words.as_slice() {
            let mut holders = self
                .names
                .iter()
                .filter(|n| n.words.len() >= 2 && n.words[0] == *only)
                .map(Name::text);
            if let Some(first) = holders.next()
                && holders.all(|h| h == first)
            {
                return first;
            }
        }
        words.join(" ")
    }

    /// Whether a word (possessive allowed) is the surname of a person the
    /// article names in full.
    pub(crate) fn is_surname(&self, word: &str) -> bool {
        let w = strip_possessive(word).to_lowercase();
        self.by_last
            .get(&w)
            .is_some_and(|&k| self.names[k].words.len() >= 2)
    }

    /// The one person an exact role names ("russian president").
    pub(crate) fn role_of(&self, role: &[&str]) -> Option<String> {
        let role: Vec<String> = role.iter().map(|w| bare(w)).collect();
        if !role.last().is_some_and(|w| is_title(w)) {
            return None;
        }
        self.by_role(&role.join(" "))
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
    fn antecedent(
        &self,
        at: usize,
        earlier_speakers: &[(usize, String)],
        gender: Option<Gender>,
    ) -> Option<String> {
        let fits = |g: Option<Gender>| gender.is_none() || g.is_none() || g == gender;
        let speaker = earlier_speakers
            .iter()
            .rev()
            .find(|(pos, name)| {
                *pos < at
                    && (name.contains(' ') || self.tagged)
                    && fits(name.split(' ').next().and_then(first_name_gender))
            })
            .map(|(pos, name)| (*pos, name.clone()));
        let name = self
            .names
            .iter()
            .rev()
            .find(|n| {
                n.first_token < at
                    && (n.words.len() >= 2 || n.role.is_some() || self.tagged)
                    && fits(n.gender())
            })
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
        // A mention reaching from a noun to the relative pronoun that
        // stands for it ("local business owners who"): the noun's words.
        if lower.len() > 1
            && lower
                .last()
                .is_some_and(|w| matches!(w.as_str(), "who" | "which" | "that"))
        {
            let end = if t.str(to - 2) == "," { to - 2 } else { to - 1 };
            if from < end {
                return self.resolve(t, from, end, earlier_speakers);
            }
        }
        if lower.len() == 1 {
            // "He's", "she'll": the pronoun without its contraction.
            let w = ["'s", "’s", "'ll", "’ll", "'d", "’d"]
                .iter()
                .find_map(|c| lower[0].strip_suffix(c))
                .filter(|p| MALE.contains(p) || FEMALE.contains(p))
                .unwrap_or(lower[0].as_str());
            if MALE.contains(&w) {
                return self.antecedent(from, earlier_speakers, Some(Gender::Male));
            }
            if FEMALE.contains(&w) {
                return self.antecedent(from, earlier_speakers, Some(Gender::Female));
            }
            if matches!(w, "i" | "we" | "they" | "it" | "you" | "us" | "them" | "me") {
                return None;
            }
            // The noun phrase a relative pronoun stands for, before a comma
            // ("Officials in Kyiv, who asked ...") or right before it
            // ("voters who said", "a poll that showed").
            if matches!(w, "who" | "which" | "that") && from >= 1 {
                let (start, end) = if from >= 2 && t.str(from - 1) == "," {
                    // Before a comma the phrase may hold a prepositional
                    // phrase ("Bernie Sanders of Vermont, who").
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
                    (start, end)
                } else {
                    (noun_phrase_before(t, from), from)
                };
                if start < end {
                    return self.resolve(t, start, end, earlier_speakers);
                }
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
                let sentence_initial = at_start && cap_words.len() == 1 && !self.tagged;
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
                && matches!(
                    role[1].as_str(),
                    "leader" | "president" | "premier" | "chief"
                )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn names<'a>(text: &'a str, persons: &[(usize, usize)]) -> (Tokens<'a>, Names) {
        let t = tokenize(text);
        let n = Names::from_persons(&t, persons);
        (t, n)
    }

    fn at(t: &Tokens<'_>, word: &str) -> usize {
        (0..t.len()).rfind(|&i| t.str(i) == word).unwrap_or(0)
    }

    #[test]
    fn pronouns_with_contractions_and_gender() {
        let text = "Tom Smith met Mary Jones. He’s said it twice, and she'll say it again.";
        // Tom Smith: tokens 0..2; Mary Jones: 3..5.
        let (t, n) = names(text, &[(0, 2), (3, 5)]);
        let he = at(&t, "He’s");
        assert_eq!(n.resolve(&t, he, he + 1, &[]).as_deref(), Some("Tom Smith"));
        let she = at(&t, "she'll");
        assert_eq!(
            n.resolve(&t, she, she + 1, &[]).as_deref(),
            Some("Mary Jones")
        );
    }

    #[test]
    fn surnames_take_the_fullest_agreeing_name() {
        let text = "Jeh Johnson met Gary Johnson and Vladimir Putin. Putin spoke.";
        let (_, n) = names(text, &[(0, 2), (3, 5), (6, 8)]);
        assert_eq!(n.canonical("Putin"), "Vladimir Putin");
        assert_eq!(n.canonical("President Vladimir Putin's"), "Vladimir Putin");
        assert_eq!(n.canonical("Gary Johnson"), "Gary Johnson");
        assert!(n.knows("Jeh Johnson") && !n.knows("Putin"));
    }
}
