//! Corpus-wide identity: one key for a person across articles.
//!
//! Within an article, speakers and people are already resolved to the
//! fullest name the article uses ("he", "Putin" -> "Vladimir Putin"). Across
//! articles two things remain: the same full name written differently
//! ("Vladimir V. Putin", "Sen. Bernie Sanders", "PUTIN's") and articles
//! that only ever give a surname ("Trump said ..."). This module does both,
//! with no I/O:
//!
//! - [`person_key`] normalises a name: case and common Latin accents
//!   folded, titles and honorifics, possessives and punctuation dropped,
//!   generational suffixes kept ("donald trump jr" is not "donald trump").
//! - [`Linker`] is built from the corpus (how many articles use each full
//!   name) and links, in this order:
//!   1. forms of one name: the same last name (and suffix) and the same
//!      given name or a common short form of it (Joe/Joseph, Bill/William),
//!      with or without a middle name or initial, go to the form most
//!      articles use, unless two different middles are written ("George
//!      W. Bush" and "George P. Bush" stay apart, and "George Bush" with
//!      them);
//!   2. a word before a known name ("Crooked Hillary Clinton") goes to that
//!      name when it is used at least three times as often;
//!   3. a surname alone goes to the name that holds at least [`DOMINANCE`]
//!      of the articles naming someone with that surname, and nowhere when
//!      none does ("Clinton" stays "clinton" in a corpus with as much
//!      Hillary as Bill). A suffixed name never takes a surname alone.
//!
//! The result depends only on the set of articles, not on their order, so
//! the same corpus always gives the same keys.

use std::collections::HashMap;

use crate::entities::people::is_title_word;

/// The people a record names, as sorted, distinct [`person_key`]s: what
/// [`Linker::observe`] counts once per article.
pub fn people_of(record: &crate::Record) -> Vec<String> {
    let mut keys: Vec<String> = record
        .entities
        .iter()
        .filter(|e| e.kind == "person")
        .map(|e| person_key(&e.name))
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The share of a surname's articles one full name needs to take the
/// surname-only mentions.
pub const DOMINANCE: f64 = 2.0 / 3.0;

/// Generational suffixes, kept as part of the key.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
        'ł' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        '’' | '‘' | '`' => '\'',
        other => other,
    }
}

/// The normalised form of a person's name: "President Vladimir Putin",
/// "VLADIMIR PUTIN'S" and "Vladimir Putin’s" are all `vladimir putin`;
/// "Vladimir V. Putin" is `vladimir v putin`, which [`Linker`] joins to it.
/// Empty when nothing of a name is left.
pub fn person_key(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for raw in name.split_whitespace() {
        let lower: String = raw
            .chars()
            .flat_map(char::to_lowercase)
            .map(fold_char)
            .collect();
        let lower = lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix('\''))
            .unwrap_or(&lower);
        let word: String = lower
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '\'')
            .collect();
        let word = word.trim_matches(['-', '\'']).to_owned();
        if !word.is_empty() {
            words.push(word);
        }
    }
    // Titles before the name ("President", "Sen.", "Mr.").
    while words.len() > 1 && is_title_word(&words[0]) {
        words.remove(0);
    }
    if words.first().is_some_and(|w| w == "the") && words.len() > 1 {
        words.remove(0);
    }
    words.join(" ")
}

/// Common short forms of given names, as (short, full).
const SHORT_FORMS: &[(&str, &str)] = &[
    ("abby", "abigail"),
    ("alex", "alexander"),
    ("andy", "andrew"),
    ("ben", "benjamin"),
    ("beth", "elizabeth"),
    ("bill", "william"),
    ("billy", "william"),
    ("bob", "robert"),
    ("bobby", "robert"),
    ("cathy", "catherine"),
    ("charlie", "charles"),
    ("chris", "christopher"),
    ("chuck", "charles"),
    ("dan", "daniel"),
    ("danny", "daniel"),
    ("dave", "david"),
    ("debbie", "deborah"),
    ("dick", "richard"),
    ("ed", "edward"),
    ("jen", "jennifer"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("joe", "joseph"),
    ("kate", "katherine"),
    ("ken", "kenneth"),
    ("larry", "lawrence"),
    ("liz", "elizabeth"),
    ("matt", "matthew"),
    ("mike", "michael"),
    ("nick", "nicholas"),
    ("pat", "patrick"),
    ("pete", "peter"),
    ("rick", "richard"),
    ("rob", "robert"),
    ("sam", "samuel"),
    ("steve", "stephen"),
    ("sue", "susan"),
    ("tom", "thomas"),
    ("tommy", "thomas"),
    ("tony", "anthony"),
    ("will", "william"),
];

fn full_given_name(first: &str) -> &str {
    SHORT_FORMS
        .iter()
        .find(|(short, _)| *short == first)
        .map_or(first, |(_, full)| full)
}

/// A full-name key in parts.
struct Parts<'a> {
    first: &'a str,
    middle: String,
    last: &'a str,
    suffix: Option<&'a str>,
}

/// Splits a key of two words or more; `None` for a single word.
fn parts(key: &str) -> Option<Parts<'_>> {
    let mut words: Vec<&str> = key.split(' ').collect();
    let suffix = match words.last() {
        Some(w) if words.len() > 2 && SUFFIXES.contains(w) => words.pop(),
        _ => None,
    };
    if words.len() < 2 {
        return None;
    }
    let last = words.pop()?;
    let first = words.remove(0);
    Some(Parts {
        first,
        middle: words.join(" "),
        last,
        suffix,
    })
}

/// (full given name, last name, suffix): the forms of one name.
type NameGroup<'a> = (&'a str, &'a str, Option<&'a str>);

/// Corpus keys: forms of one name joined, surnames linked.
#[derive(Debug, Default, Clone)]
pub struct Linker {
    /// Full-name key -> articles using it.
    full: HashMap<String, u64>,
    /// Full-name key -> the form it is joined to (absent: itself).
    joined: HashMap<String, String>,
    /// Surname -> the name it stands for.
    surnames: HashMap<String, String>,
}

impl Linker {
    /// An empty linker; [`Linker::observe`] the corpus, then
    /// [`Linker::build`].
    pub fn new() -> Linker {
        Linker::default()
    }

    /// Counts one article's use of a person's name (a key from
    /// [`person_key`]); call once per name per article.
    pub fn observe(&mut self, key: &str) {
        if key.contains(' ') {
            *self.full.entry(key.to_owned()).or_default() += 1;
        }
    }

    /// Counts `n` articles' use of a name at once (a tally kept elsewhere,
    /// such as an index's).
    pub fn observe_n(&mut self, key: &str, n: u64) {
        if key.contains(' ') && n > 0 {
            *self.full.entry(key.to_owned()).or_default() += n;
        }
    }

    /// Decides the links from what was observed.
    pub fn build(&mut self) {
        // Most used first, ties by name: the corpus order never matters.
        let most_used = |a: &(&str, u64), b: &(&str, u64)| b.1.cmp(&a.1).then(a.0.cmp(b.0));
        // 1. Forms of one name.
        let mut groups: HashMap<NameGroup<'_>, Vec<(&str, u64)>> = HashMap::new();
        let mut middles: HashMap<NameGroup<'_>, Vec<String>> = HashMap::new();
        for (key, n) in &self.full {
            let Some(p) = parts(key) else { continue };
            let g = (full_given_name(p.first), p.last, p.suffix);
            groups.entry(g).or_default().push((key, *n));
            if !p.middle.is_empty() {
                let m = middles.entry(g).or_default();
                if !m.contains(&p.middle) {
                    m.push(p.middle);
                }
            }
        }
        let mut joined: HashMap<String, String> = HashMap::new();
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for (g, mut names) in groups {
            if middles.get(&g).is_some_and(|m| m.len() > 1) {
                for (k, n) in names {
                    counts.insert(k, n);
                }
                continue;
            }
            names.sort_by(most_used);
            let head = names[0].0;
            let total = names.iter().map(|(_, n)| n).sum();
            counts.insert(head, total);
            for (k, _) in &names[1..] {
                joined.insert((*k).to_owned(), head.to_owned());
            }
        }
        // 2. A word before a known name (decided on the counts after
        // step 1, then applied, so that no order matters).
        let mut epithets: Vec<(&str, &str, u64)> = Vec::new();
        for (&key, &n) in &counts {
            let Some((_, rest)) = key.split_once(' ') else {
                continue;
            };
            if !rest.contains(' ') {
                continue;
            }
            let target = joined.get(rest).map_or(rest, String::as_str);
            if let Some((&target, &m)) = counts.get_key_value(target)
                && m >= 3 * n
            {
                epithets.push((key, target, n));
            }
        }
        for (key, target, n) in epithets {
            joined.insert(key.to_owned(), target.to_owned());
            // Whatever was joined to the epithet form follows it.
            for head in joined.values_mut() {
                if head == key {
                    *head = target.to_owned();
                }
            }
            counts.remove(key);
            if let Some(c) = counts.get_mut(target) {
                *c += n;
            }
        }
        // 3. Surnames.
        let mut by_surname: HashMap<&str, Vec<(&str, u64)>> = HashMap::new();
        for (key, n) in &counts {
            if let Some(p) = parts(key)
                && p.suffix.is_none()
            {
                by_surname.entry(p.last).or_default().push((key, *n));
            }
        }
        let mut surnames = HashMap::new();
        for (last, mut names) in by_surname {
            let total: u64 = names.iter().map(|(_, n)| n).sum();
            names.sort_by(most_used);
            let (top, n) = names[0];
            if n as f64 >= DOMINANCE * total as f64 {
                surnames.insert(last.to_owned(), top.to_owned());
            }
        }
        self.joined = joined;
        self.surnames = surnames;
    }

    /// Every key that resolves to `target` (itself included), sorted.
    pub fn aliases(&self, target: &str) -> Vec<String> {
        let mut out = vec![target.to_owned()];
        for map in [&self.joined, &self.surnames] {
            out.extend(
                map.iter()
                    .filter(|(_, head)| head.as_str() == target)
                    .map(|(k, _)| k.clone()),
            );
        }
        out.sort();
        out.dedup();
        out
    }

    /// The corpus key for a key from [`person_key`].
    pub fn resolve<'a>(&'a self, key: &'a str) -> &'a str {
        if key.contains(' ') {
            self.joined.get(key).map_or(key, String::as_str)
        } else {
            self.surnames.get(key).map_or(key, String::as_str)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_the_ways_a_name_is_written() {
        for written in [
            "Vladimir Putin",
            "President Vladimir Putin",
            "VLADIMIR PUTIN'S",
            "Vladimir Putin’s",
        ] {
            assert_eq!(person_key(written), "vladimir putin", "{written}");
        }
        assert_eq!(person_key("Donald Trump Jr."), "donald trump jr");
        assert_eq!(person_key("Sen. Bernie Sanders"), "bernie sanders");
        assert_eq!(person_key("José Andrés"), "jose andres");
        assert_eq!(person_key("George W. Bush"), "george w bush");
        assert_eq!(person_key("Trump"), "trump");
        assert_eq!(person_key("the White House"), "white house");
        assert_eq!(person_key("  "), "");
    }

    fn linker(names: &[(&str, u64)]) -> Linker {
        let mut l = Linker::new();
        for (name, n) in names {
            for _ in 0..*n {
                l.observe(&person_key(name));
            }
        }
        l.build();
        l
    }

    #[test]
    fn a_surname_goes_to_the_full_name_that_dominates_it() {
        let l = linker(&[
            ("Donald Trump", 40),
            ("Donald Trump Jr.", 9),
            ("Ivanka Trump", 5),
            ("Hillary Clinton", 20),
            ("Bill Clinton", 15),
        ]);
        assert_eq!(l.resolve("trump"), "donald trump");
        assert_eq!(l.resolve("donald trump jr"), "donald trump jr");
        assert_eq!(l.resolve("ivanka trump"), "ivanka trump");
        // Neither Clinton holds two thirds: the surname stays itself.
        assert_eq!(l.resolve("clinton"), "clinton");
        assert_eq!(l.resolve("nobody"), "nobody");
    }

    #[test]
    fn forms_of_one_name_are_joined_and_different_middles_kept_apart() {
        let l = linker(&[
            ("Vladimir V. Putin", 39),
            ("Vladimir Putin", 3),
            ("Joseph R. Biden", 38),
            ("Joe Biden", 38),
            ("Hillary Clinton", 60),
            ("Hillary Rodham Clinton", 10),
            ("Crooked Hillary Clinton", 9),
            ("George W. Bush", 35),
            ("George P. Bush", 2),
            ("George Bush", 1),
        ]);
        let key = |n: &str| l.resolve(&person_key(n)).to_owned();
        assert_eq!(key("Vladimir Putin"), "vladimir v putin");
        assert_eq!(key("Putin"), "vladimir v putin");
        assert_eq!(key("Joe Biden"), key("Joseph R. Biden"));
        assert_eq!(key("Hillary Rodham Clinton"), "hillary clinton");
        assert_eq!(key("Crooked Hillary Clinton"), "hillary clinton");
        assert_eq!(key("Clinton"), "hillary clinton");
        assert_eq!(key("George W. Bush"), "george w bush");
        assert_eq!(key("George P. Bush"), "george p bush");
        assert_eq!(key("George Bush"), "george bush");
        assert_eq!(
            l.aliases("hillary clinton"),
            [
                "clinton",
                "crooked hillary clinton",
                "hillary clinton",
                "hillary rodham clinton"
            ]
        );
    }

    #[test]
    fn the_order_of_the_corpus_does_not_matter() {
        let a = linker(&[("Ann Lee", 2), ("Bob Lee", 1), ("Cy Lee", 1)]);
        let b = linker(&[("Cy Lee", 1), ("Bob Lee", 1), ("Ann Lee", 2)]);
        assert_eq!(a.resolve("lee"), b.resolve("lee"));
        let tie_a = linker(&[("Ann Lee", 2), ("Bob Lee", 2)]);
        assert_eq!(tie_a.resolve("lee"), "lee");
    }
}
