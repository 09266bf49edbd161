//! People, organisations, places and groups: found by a learned tagger
//! that reads a hand-written gazetteer, then clustered per article under
//! the fullest name the article uses. The person index built here
//! ([`people::Names`]: surnames, roles, pronoun antecedents) is the one the
//! attribution stage resolves speakers with, so a quote's `speaker_name`
//! and the entity list always agree.

pub(crate) mod gazetteer;
pub(crate) mod ner;
pub(crate) mod people;

use std::collections::HashMap;

use crate::analysis::Analysis;
use crate::record::{Entity, Mention, Quote};
use gazetteer::{Kind, gazetteer, raw_hash};
use ner::Name;
use people::Names;

/// Words that open a name without being part of it.
const LEADING: &[&str] = &["the", "The"];

/// The entity layer of one article: its person index and entity clusters.
pub(crate) struct Layer {
    pub(crate) names: Names,
    clusters: Vec<Cluster>,
    /// Code points of each token start, for spans.
    text_chars: Vec<char>,
}

struct Cluster {
    name: String,
    kind: &'static str,
    mentions: Vec<(usize, usize)>,
}

/// Group-like endings of names the tagger calls "other" (nationalities,
/// members of parties and faiths).
const GROUP_ENDINGS: &[&str] = &["ans", "ians", "ese", "ists", "ites", "crats", "cans", "ish"];

/// Honorifics that make a name a person's whatever the tagger says.
const HONORIFICS: &[&str] = &["Sir", "Dame", "Mr.", "Mrs.", "Ms.", "Dr.", "Lord", "Lady"];

fn kind_of(class: usize, words: &str, gaz: Option<Kind>) -> &'static str {
    match (class, gaz) {
        (0, _) => "person",
        (_, Some(k)) => k.as_str(),
        (1, None) => "org",
        (2, None) => "place",
        _ if GROUP_ENDINGS.iter().any(|e| words.ends_with(e)) => "group",
        _ => "other",
    }
}

/// Initials of the capitalised words of a name ("Environmental Protection
/// Agency" -> "EPA").
fn initials(name: &str) -> String {
    name.split([' ', '-'])
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}

fn is_acronym(name: &str) -> bool {
    let n = name.chars().filter(char::is_ascii_alphabetic).count();
    (2..=6).contains(&n) && name.chars().all(|c| c.is_ascii_uppercase() || c == '.')
}

/// Finds and clusters the entities of an analysed article.
pub(crate) fn analyze(a: &Analysis<'_>) -> Layer {
    let t = &a.t;
    let gaz = gazetteer();
    let h_raw: Vec<u64> = (0..t.len()).map(|i| raw_hash(t.str(i))).collect();
    let found = gaz.find(t, &h_raw);
    let p = ner::prepare(a, gaz, &found);
    let mut tagged: Vec<Name> = ner::tag(a, &p);
    // "Sir Keir Starmer" is a person whatever the tagger says.
    for n in &mut tagged {
        if n.end - n.start >= 2 && HONORIFICS.contains(&t.str(n.start)) {
            n.class = 0;
        }
    }
    // Titles and adjectives before a name are no part of it
    // ("Commissioner Anna Berg", "Crooked Hillary Clinton").
    for n in &mut tagged {
        while n.class == 0
            && n.end - n.start >= 2
            && (people::is_title_word(t.str(n.start))
                || (n.end - n.start >= 3 && matches!(a.pos[n.start], "JJ" | "VBN" | "VBD")))
        {
            n.start += 1;
        }
    }
    // A country or body the tagger took for a person ("N. Korea").
    for n in &mut tagged {
        let written = &t.text[t.tokens[n.start].byte_start..t.tokens[n.end - 1].byte_end];
        if n.class == 0
            && let Some(e) = gaz.lookup(written)
        {
            n.class = match gaz.entries[e as usize].kind {
                Kind::Place => 2,
                Kind::Org => 1,
                Kind::Group => 3,
            };
        }
    }
    let persons: Vec<(usize, usize)> = tagged
        .iter()
        .filter(|n| n.class == 0)
        .map(|n| (n.start, n.end))
        .collect();
    let names = Names::from_persons(t, &persons);
    // "Trump" tagged a body or place where the article names Donald Trump.
    for n in &mut tagged {
        if n.class != 0 && n.end - n.start == 1 && names.is_surname(t.str(n.start)) {
            n.class = 0;
        }
    }
    let text_chars: Vec<char> = t.text.chars().collect();
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut index: HashMap<(&'static str, String), usize> = HashMap::new();
    for n in &tagged {
        let (start, end) = ner::char_span(a, n);
        let mut words: String = text_chars[start..end].iter().collect();
        let mut start = start;
        for lead in LEADING {
            if let Some(rest) = words.strip_prefix(lead).and_then(|r| r.strip_prefix(' ')) {
                start += words.chars().count() - rest.chars().count();
                words = rest.to_owned();
            }
        }
        if !words.chars().any(char::is_alphabetic) {
            continue;
        }
        let entry = gaz.lookup(&words).map(|e| &gaz.entries[e as usize]);
        let kind = kind_of(n.class, &words, entry.map(|e| e.kind));
        let name = match (kind, entry) {
            ("person", _) => names.canonical(&words),
            (_, Some(e)) => e.canonical.clone(),
            _ => words,
        };
        if name.is_empty() {
            continue;
        }
        let k = *index.entry((kind, name.to_lowercase())).or_insert_with(|| {
            clusters.push(Cluster {
                name,
                kind,
                mentions: Vec::new(),
            });
            clusters.len() - 1
        });
        clusters[k].mentions.push((start, end));
    }
    fold_acronyms(&mut clusters);
    let mut layer = Layer {
        names,
        clusters,
        text_chars,
    };
    layer.add_roles(a, &persons);
    layer
}

/// "EPA" joins "Environmental Protection Agency" when the article writes
/// both.
fn fold_acronyms(clusters: &mut Vec<Cluster>) {
    let mut k = 0;
    while k < clusters.len() {
        let short = &clusters[k];
        let target = is_acronym(&short.name)
            .then(|| {
                let letters: String = short.name.chars().filter(|c| *c != '.').collect();
                clusters.iter().position(|c| {
                    c.kind == short.kind && c.name.contains(' ') && initials(&c.name) == letters
                })
            })
            .flatten();
        match target {
            Some(to) => {
                let moved = clusters.remove(k);
                let to = if to > k { to - 1 } else { to };
                clusters[to].mentions.extend(moved.mentions);
            }
            None => k += 1,
        }
    }
}

impl Layer {
    fn person(&self, name: &str) -> Option<usize> {
        self.clusters
            .iter()
            .position(|c| c.kind == "person" && c.name == name)
    }

    /// A person mention overlaps `start..end` already.
    fn covered(&self, start: usize, end: usize) -> bool {
        self.clusters
            .iter()
            .filter(|c| c.kind == "person")
            .flat_map(|c| &c.mentions)
            .any(|&(s, e)| s < end && start < e)
    }

    fn add(&mut self, k: usize, start: usize, end: usize) {
        if !self.covered(start, end) {
            self.clusters[k].mentions.push((start, end));
        }
    }

    /// "the Russian President" after "Russian President Vladimir Putin":
    /// a mention of him, where the role names one person only.
    fn add_roles(&mut self, a: &Analysis<'_>, persons: &[(usize, usize)]) {
        let t = &a.t;
        let in_person = |i: usize| persons.iter().any(|&(s, e)| s <= i && i < e);
        let mut found = Vec::new();
        for i in 0..t.len() {
            // A role opens with a title or a capitalised qualifier.
            if a.lower[i] != "the"
                || i + 1 >= t.len()
                || !(people::is_title_word(t.str(i + 1))
                    || t.str(i + 1).starts_with(char::is_uppercase))
            {
                continue;
            }
            for len in (1..=4).rev() {
                let end = i + 1 + len;
                if end > t.len()
                    || t.tokens[end - 1].sentence != t.tokens[i].sentence
                    || (i + 1..end).any(in_person)
                    || (end < t.len() && in_person(end))
                {
                    continue;
                }
                let role: Vec<&str> = (i + 1..end).map(|k| a.lower[k].as_str()).collect();
                // The whole role: no title or name goes on after it.
                let complete = end >= t.len()
                    || !(people::is_title_word(t.str(end))
                        || t.str(end).starts_with(char::is_uppercase));
                if complete && let Some(name) = self.names.role_of(&role) {
                    found.push((name, t.tokens[i + 1].start, t.tokens[end - 1].end));
                    break;
                }
            }
        }
        for (name, s, e) in found {
            if let Some(k) = self.person(&name) {
                self.add(k, s, e);
            }
        }
    }

    /// A speaker phrase that names one person ("NBC News moderator Matt
    /// Lauer", "Vann R. Newkirk II, a writer for The Atlantic") takes that
    /// person's name; a possessive ("Gary Johnson's doctor") names someone
    /// else and is left alone.
    pub(crate) fn name_people(&self, quotes: &mut [Quote]) {
        let chars = &self.text_chars;
        let word_after = |end: usize| -> String {
            chars[end.min(chars.len())..]
                .iter()
                .skip_while(|c| **c == ' ')
                .take_while(|c| c.is_alphanumeric())
                .collect()
        };
        let word_before = |start: usize| -> String {
            let mut w: Vec<char> = chars[..start]
                .iter()
                .rev()
                .skip_while(|c| **c == ' ')
                .take_while(|c| c.is_alphanumeric() || **c == '.')
                .copied()
                .collect();
            w.reverse();
            w.into_iter().collect()
        };
        // The mention is the speaker itself: not a modifier ("the Clinton
        // campaign", "Trump lawyer X"), a possessive ("Gary Johnson's
        // doctor"), an object ("a spokeswoman for Hillary Clinton"), or
        // part of a longer name the tagger split ("Azucena Gonzàlez").
        let heads = |(ms, me): (usize, usize), end: usize| {
            let after = word_after(me);
            let before = word_before(ms);
            let modifier = after.starts_with(char::is_lowercase)
                && me + 1 + after.chars().count() <= end
                && chars.get(me) == Some(&' ');
            let possessive = matches!(chars.get(me), Some('\'' | '’'));
            let object = matches!(
                before.to_lowercase().as_str(),
                "for" | "of" | "to" | "with" | "at" | "from" | "by" | "about" | "against"
            );
            let split = (after.starts_with(char::is_uppercase)
                && chars.get(me) == Some(&' ')
                && me + 1 + after.chars().count() <= end)
                || (before.starts_with(char::is_uppercase)
                    && !people::is_title_word(&before)
                    && before.chars().any(char::is_lowercase));
            !(modifier || possessive || object || split)
        };
        for q in quotes {
            let Some(s) = &q.speaker else { continue };
            let mut inside = self.clusters.iter().filter(|c| {
                c.kind == "person"
                    && c.mentions
                        .iter()
                        .any(|&(ms, me)| s.start <= ms && me <= s.end && heads((ms, me), s.end))
            });
            if let (Some(person), None) = (inside.next(), inside.next())
                && q.speaker_name.as_deref() != Some(person.name.as_str())
            {
                q.speaker_name = Some(person.name.clone());
            }
        }
    }

    /// A speaker written as a body's short or partial name ("the EPA",
    /// "the Environmental Protection Agency (EPA)") takes the body's
    /// canonical name; "the Kremlin" stays as written.
    pub(crate) fn name_bodies(&self, quotes: &mut [Quote]) {
        for q in quotes {
            let Some(s) = &q.speaker else { continue };
            let inside: Vec<&Cluster> = self
                .clusters
                .iter()
                .filter(|c| {
                    c.mentions
                        .iter()
                        .any(|&(ms, me)| s.start <= ms && me <= s.end)
                })
                .collect();
            let [body] = inside.as_slice() else { continue };
            // Groups ("Americans", "Democrats") stay as written.
            if !matches!(body.kind, "org" | "place") {
                continue;
            }
            // Nothing but the body's mentions, "the" and brackets.
            let mut rest: String = String::new();
            let mut at = s.start;
            let mut spans = body.mentions.clone();
            spans.sort_unstable();
            for (ms, me) in spans {
                if s.start <= ms && me <= s.end && ms >= at {
                    rest.extend(&self.text_chars[at..ms]);
                    at = me;
                }
            }
            rest.extend(&self.text_chars[at..s.end]);
            let only_body = rest
                .split(|c: char| c.is_whitespace() || "()[],".contains(c))
                .all(|w| w.is_empty() || w.eq_ignore_ascii_case("the"));
            let written = s.text.strip_prefix("the ").unwrap_or(&s.text);
            if only_body && written != body.name {
                q.speaker_name = Some(body.name.clone());
            }
        }
    }

    /// Speakers resolved by the attribution stage ("he", "the senator")
    /// become mentions of the person they name.
    pub(crate) fn add_speakers(&mut self, quotes: &[Quote]) {
        for q in quotes {
            if let (Some(s), Some(name)) = (&q.speaker, &q.speaker_name)
                && let Some(k) = self.person(name)
            {
                self.add(k, s.start, s.end);
            }
        }
    }

    /// Drops mentions the amount stage read as part of an amount ("EUR"
    /// in "EUR 114 bn").
    pub(crate) fn drop_inside(&mut self, amounts: &[crate::record::Amount]) {
        for c in &mut self.clusters {
            c.mentions
                .retain(|&(s, e)| !amounts.iter().any(|a| a.start <= s && e <= a.end));
        }
        self.clusters.retain(|c| !c.mentions.is_empty());
    }

    /// The entity list, in order of first mention.
    pub(crate) fn finish(self) -> Vec<Entity> {
        let chars = &self.text_chars;
        let mut out: Vec<Entity> = self
            .clusters
            .into_iter()
            .map(|mut c| {
                c.mentions.sort_unstable();
                c.mentions.dedup();
                Entity {
                    name: c.name,
                    kind: c.kind.to_owned(),
                    mentions: c
                        .mentions
                        .iter()
                        .map(|&(start, end)| Mention {
                            start,
                            end,
                            text: chars[start..end].iter().collect(),
                        })
                        .collect(),
                }
            })
            .collect();
        out.sort_by_key(|e| e.mentions.first().map_or(usize::MAX, |m| m.start));
        out
    }
}
