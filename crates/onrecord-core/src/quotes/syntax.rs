//! What the dependency tree says about a cue: where each token of its
//! window stands from it, who its subject is, and what a relative
//! pronoun stands for.

use std::ops::Range;

use super::features::Prepared;
pub(crate) use super::features::relation_name;
use crate::parse::Relation as R;
use crate::text::Tokens;

/// Where a token stands in its sentence's tree, seen from a cue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Role {
    /// The relation of the cue's child whose subtree holds the token
    /// (`nsubj`, `ccomp`, ...), or where else it stands: `cue`, `head`
    /// (the cue's own head), `head-subj` (the subject of the verb the cue
    /// is coordinated with or completes), `up` (elsewhere in the
    /// sentence), `out` (another sentence), `unparsed`.
    pub(crate) name: &'static str,
    /// The token is that child itself, the top of its subtree.
    pub(crate) top: bool,
}

/// Steps up the tree a path is followed: deeper trees are read as if
/// the token stood elsewhere in the sentence.
const TREE_DEPTH: usize = 48;

/// The cue's token whose head lies outside the cue.
pub(crate) fn cue_head(p: &Prepared, cf: usize, cl: usize) -> usize {
    (cf..=cl)
        .find(|&i| p.syntax.head(i).is_none_or(|h| h < cf || h > cl))
        .unwrap_or(cl)
}

/// The subject of the verb a cue hangs from, when the cue has none of
/// its own and shares it ("vetoed the bill and insisted that ...",
/// "refused to say").
fn shared_subject(p: &Prepared, range: &Range<usize>, ch: usize) -> Option<usize> {
    let own = range.clone().any(|i| {
        p.syntax.head(i) == Some(ch)
            && matches!(p.syntax.relation(i), Some(R::Nsubj | R::NsubjPass))
    });
    if own || !matches!(p.syntax.relation(ch), Some(R::Conj | R::Xcomp)) {
        return None;
    }
    let h = p.syntax.head(ch)?;
    range.clone().find(|&i| {
        p.syntax.head(i) == Some(h) && matches!(p.syntax.relation(i), Some(R::Nsubj | R::NsubjPass))
    })
}

pub(crate) fn tree_roles(
    t: &Tokens<'_>,
    p: &Prepared,
    range: &Range<usize>,
    cf: usize,
    cl: usize,
) -> Vec<Role> {
    let role = |name| Role { name, top: false };
    if relation_name(p, cf) == "unparsed" {
        return vec![role("unparsed"); range.len()];
    }
    let ch = cue_head(p, cf, cl);
    let sentence = t.tokens[ch].sentence;
    let head = p.syntax.head(ch);
    let subject = shared_subject(p, range, ch);
    // A cue that marks a noun ("according to the Kremlin"): the noun is
    // its host, the clause the noun hangs from is what is reported.
    let (host, clause) = prepositional_host(t, p, ch).map_or((None, None), |(h, c)| (Some(h), c));
    let under =
        |top: usize, i: usize| i == top || p.syntax.child_towards(top, i, TREE_DEPTH).is_some();
    range
        .clone()
        .map(|i| {
            if (cf..=cl).contains(&i) {
                return role("cue");
            }
            if t.tokens[i].sentence != sentence {
                return role("out");
            }
            if let Some(h) = host
                && under(h, i)
            {
                return Role {
                    name: "host",
                    top: i == h,
                };
            }
            if let Some(c) = clause
                && under(c, i)
            {
                return Role {
                    name: "host-clause",
                    top: i == c,
                };
            }
            if let Some(c) = p.syntax.child_towards(ch, i, TREE_DEPTH) {
                return Role {
                    name: relation_name(p, c),
                    top: c == i,
                };
            }
            if let Some(s) = subject
                && (i == s || p.syntax.child_towards(s, i, TREE_DEPTH).is_some())
            {
                return Role {
                    name: "head-subj",
                    top: i == s,
                };
            }
            if Some(i) == head {
                return Role {
                    name: "head",
                    top: true,
                };
            }
            role("up")
        })
        .collect()
}

/// The noun a prepositional cue marks and the clause it is reported in:
/// "the Kremlin" and "spoke" of "According to the Kremlin, the leaders
/// spoke" ("the report" of "as the report said" is not one). A tree that
/// reads the fixed expression as a verb ("According" an `advcl` with
/// `fixed` "to" and "the Kremlin" its object) gives the same pair from
/// the other side.
fn prepositional_host(t: &Tokens<'_>, p: &Prepared, ch: usize) -> Option<(usize, Option<usize>)> {
    if p.syntax.relation(ch) == Some(R::Case) {
        let host = p.syntax.head(ch)?;
        return Some((host, p.syntax.head(host)));
    }
    let sentence = t.sentences.get(t.tokens[ch].sentence as usize)?.clone();
    let child_with = |rels: &[R]| {
        sentence.clone().find(|&i| {
            p.syntax.head(i) == Some(ch) && p.syntax.relation(i).is_some_and(|r| rels.contains(&r))
        })
    };
    child_with(&[R::Fixed])?;
    let host = child_with(&[R::Obj, R::Obl, R::Nmod])?;
    Some((host, p.syntax.head(ch)))
}

/// The subject subtree of a cue read from the tree: the agent of a
/// passive cue ("was criticised by X"), else its subject, else the
/// subject it shares with the verb it is joined to. The whole subtree,
/// as PolNeAR marks sources ("Brian Fallon, the campaign's press
/// secretary,"); a relative pronoun stands for the noun it modifies.
/// `None` when the sentence was not parsed or the cue has no subject.
pub(crate) fn subject(
    t: &Tokens<'_>,
    p: &Prepared,
    (cf, cl): (usize, usize),
    passive: bool,
) -> Option<(usize, usize)> {
    if relation_name(p, cf) == "unparsed" {
        return None;
    }
    let ch = cue_head(p, cf, cl);
    let sentence = t.sentences.get(t.tokens[ch].sentence as usize)?.clone();
    let child = |rels: &[R]| {
        sentence.clone().find(|&i| {
            p.syntax.head(i) == Some(ch) && p.syntax.relation(i).is_some_and(|r| rels.contains(&r))
        })
    };
    let top = if let Some((h, _)) = prepositional_host(t, p, ch) {
        Some(h)
    } else if passive {
        // The agent's "by" is not part of who it is.
        child(&[R::OblAgent])
    } else {
        child(&[R::Nsubj]).or_else(|| shared_subject(p, &sentence, ch))
    }?;
    let (mut a, mut b) = match antecedent(p, &sentence, ch, top) {
        Some(noun) => (subtree_span(p, &sentence, noun).0, top),
        None => subtree_span(p, &sentence, top),
    };
    // Leading case markers (the cue's own words among them) and trailing
    // punctuation are not the speaker.
    while a < b
        && ((cf..=cl).contains(&a)
            || matches!(
                p.syntax.relation(a),
                Some(R::Case | R::Punct | R::Cc | R::Mark)
            ))
    {
        a += 1;
    }
    while b > a && matches!(p.syntax.relation(b), Some(R::Punct)) {
        b -= 1;
    }
    // A subject never reaches into the cue.
    if a <= cl && cf <= b {
        return None;
    }
    Some((a, b))
}

/// What a relative pronoun subject of `ch` stands for: the noun that the
/// relative clause headed by `ch` modifies ("officials who said").
fn antecedent(p: &Prepared, sentence: &Range<usize>, ch: usize, top: usize) -> Option<usize> {
    let relative = matches!(p.lower[top].as_str(), "who" | "which" | "that" | "whom");
    if !relative || p.syntax.relation(ch) != Some(R::AclRelcl) {
        return None;
    }
    p.syntax.head(ch).filter(|h| sentence.contains(h))
}

/// Tokens either side of a subject's head that its subtree is looked
/// for in: bounds the work on a sentence of thousands of tokens.
const SUBJECT_REACH: usize = 120;

/// The first and last token of `top`'s subtree in its sentence, leaving
/// out a relative clause that holds the cue (the antecedent's own).
fn subtree_span(p: &Prepared, sentence: &Range<usize>, top: usize) -> (usize, usize) {
    let (mut a, mut b) = (top, top);
    let from = top.saturating_sub(SUBJECT_REACH).max(sentence.start);
    let to = (top + SUBJECT_REACH).min(sentence.end);
    for i in from..to {
        if i == top {
            continue;
        }
        let Some(c) = p.syntax.child_towards(top, i, TREE_DEPTH) else {
            continue;
        };
        if p.syntax.relation(c) == Some(R::AclRelcl) && c > top {
            continue;
        }
        a = a.min(i);
        b = b.max(i);
    }
    (a, b)
}

/// A source the tagger read as a lone relative pronoun ("who" of
/// "officials who said") reaches back to the noun phrase the pronoun
/// stands for ("officials who"), which names the speaker.
pub(crate) fn resolve_relative(
    t: &Tokens<'_>,
    p: &Prepared,
    (cf, cl): (usize, usize),
    (a, b): (usize, usize),
) -> Option<(usize, usize)> {
    if a != b || relation_name(p, cf) == "unparsed" {
        return None;
    }
    let ch = cue_head(p, cf, cl);
    let sentence = t.sentences.get(t.tokens[ch].sentence as usize)?.clone();
    let noun = antecedent(p, &sentence, ch, a)?;
    let (mut x, _) = subtree_span(p, &sentence, noun);
    // A case marker or mark before the noun is not part of it ("by").
    while x < a
        && matches!(
            p.syntax.relation(x),
            Some(R::Case | R::Punct | R::Cc | R::Mark)
        )
    {
        x += 1;
    }
    // From the noun phrase to the pronoun: the name, and the pronoun
    // some annotations mark (PolNeAR marks "who" itself).
    (x < a).then_some((x, a))
}
