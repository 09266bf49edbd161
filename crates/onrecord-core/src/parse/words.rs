//! The pipeline's tokens cut into the words the treebank writes, and a
//! tree over those words read back onto the tokens.
//!
//! The tokenizer keeps "Trump's", "don't" and "well-known" whole (the
//! entity and attribution stages read them so); UD English writes
//! "Trump" "'s", "do" "n't" and "well" "-" "known", and the parser learnt
//! from those words. A token's arc is the arc of its piece whose head
//! lies outside the token ("Trump" of "Trump's", "do" of "don't").

use super::{Dependency, Head, Tree};
use crate::text::{Token, Tokens};

/// Clitics the treebank writes as words of their own, after an
/// apostrophe (any of the tokenizer's apostrophes).
const CLITICS: [&str; 6] = ["s", "re", "ve", "ll", "d", "m"];

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn is_dash_in_word(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

/// Byte ranges (within `w`) of the words of one token, in order.
pub(crate) fn pieces(w: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    // Hyphens first: "well-known" is "well", "-", "known".
    let mut start = 0;
    for (b, c) in w.char_indices() {
        if is_dash_in_word(c) && b > start && b + c.len_utf8() < w.len() {
            clitics(w, start, b, out);
            out.push((b, b + c.len_utf8()));
            start = b + c.len_utf8();
        }
    }
    clitics(w, start, w.len(), out);
}

/// The words of `w[start..end]`: a clitic ("'s", "n't") split off its
/// host.
fn clitics(w: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let part = &w[start..end];
    let Some((apos, c)) = part.char_indices().rev().find(|&(_, c)| is_apostrophe(c)) else {
        out.push((start, end));
        return;
    };
    let after = &part[apos + c.len_utf8()..];
    // "n't": the host keeps the rest ("do" of "don't", "ca" of "can't").
    if after.eq_ignore_ascii_case("t") && apos >= 2 && part[..apos].ends_with(['n', 'N']) {
        out.push((start, start + apos - 1));
        out.push((start + apos - 1, end));
    } else if apos > 0 && CLITICS.iter().any(|k| after.eq_ignore_ascii_case(k)) {
        out.push((start, start + apos));
        out.push((start + apos, end));
    } else {
        out.push((start, end));
    }
}

/// A sentence's tokens cut into words: the words as tokens of their own
/// (one sentence) and the token each came from.
pub(crate) struct Cut<'a> {
    pub(crate) words: Tokens<'a>,
    /// For each word, the index of its token within the sentence.
    pub(crate) token_of: Vec<usize>,
}

/// Cuts the tokens `range` of `t` into words.
pub(crate) fn cut<'a>(t: &Tokens<'a>, range: std::ops::Range<usize>) -> Cut<'a> {
    let mut tokens = Vec::with_capacity(range.len() + 4);
    let mut token_of = Vec::with_capacity(range.len() + 4);
    let mut spans = Vec::new();
    for (k, i) in range.enumerate() {
        let tok = t.tokens[i];
        let w = t.str(i);
        pieces(w, &mut spans);
        for &(a, b) in &spans {
            let start = tok.start + w[..a].chars().count();
            let end = start + w[a..b].chars().count();
            tokens.push(Token {
                byte_start: tok.byte_start + a,
                byte_end: tok.byte_start + b,
                start,
                end,
                sentence: 0,
                paragraph: 0,
                in_quote: tok.in_quote,
            });
            token_of.push(k);
        }
    }
    let n = tokens.len();
    Cut {
        words: Tokens {
            text: t.text,
            tokens,
            sentences: std::iter::once(0..n).collect(),
        },
        token_of,
    }
}

/// The tree over the words read onto `tokens` tokens: each token takes
/// the arc of its first word whose head is another token's word.
pub(crate) fn onto_tokens(tree: &Tree, token_of: &[usize], tokens: usize) -> Tree {
    let mut arcs: Vec<Option<Dependency>> = vec![None; tokens];
    for (w, arc) in tree.arcs.iter().enumerate() {
        let Some(&k) = token_of.get(w) else { continue };
        let head = match arc.head {
            Head::Root => Head::Root,
            Head::Word(h) => match token_of.get(h) {
                Some(&hk) if hk == k => continue,
                Some(&hk) => Head::Word(hk),
                None => Head::Root,
            },
        };
        if let Some(slot) = arcs.get_mut(k)
            && slot.is_none()
        {
            *slot = Some(Dependency {
                head,
                relation: arc.relation,
            });
        }
    }
    Tree {
        arcs: arcs
            .into_iter()
            .map(|a| {
                a.unwrap_or(Dependency {
                    head: Head::Root,
                    relation: super::Relation::Dep,
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &str) -> Vec<&str> {
        let mut out = Vec::new();
        pieces(w, &mut out);
        out.into_iter().map(|(a, b)| &w[a..b]).collect()
    }

    #[test]
    fn clitics_and_hyphens_are_cut_as_the_treebank_writes_them() {
        assert_eq!(words("Trump's"), ["Trump", "'s"]);
        assert_eq!(words("Trump’s"), ["Trump", "’s"]);
        assert_eq!(words("don't"), ["do", "n't"]);
        assert_eq!(words("can’t"), ["ca", "n’t"]);
        assert_eq!(words("WON'T"), ["WO", "N'T"]);
        assert_eq!(words("they're"), ["they", "'re"]);
        assert_eq!(words("I'm"), ["I", "'m"]);
        assert_eq!(words("well-known"), ["well", "-", "known"]);
        assert_eq!(words("anti-Trump's"), ["anti", "-", "Trump", "'s"]);
        assert_eq!(words("O'Brien"), ["O'Brien"]);
        assert_eq!(words("said"), ["said"]);
        assert_eq!(words("'s"), ["'s"]);
        assert_eq!(words("-"), ["-"]);
        assert_eq!(words("n't"), ["n't"]);
        assert_eq!(words("é-ü’ll"), ["é", "-", "ü", "’ll"]);
    }

    #[test]
    fn pieces_cover_the_token_in_order() {
        for w in [
            "a-b-c", "x'y'z", "--", "'-'", "ñ’t", "a’’s", "’", "a-", "-a",
        ] {
            let mut out = Vec::new();
            pieces(w, &mut out);
            let mut at = 0;
            for (a, b) in out {
                assert_eq!(a, at, "{w}");
                assert!(b > a, "{w}");
                at = b;
            }
            assert_eq!(at, w.len(), "{w}");
        }
    }

    #[test]
    fn a_token_takes_the_arc_of_its_word_headed_outside_it() {
        use crate::parse::Relation;
        // "Trump's plan" as words: Trump <- plan (nmod:poss), 's <- Trump
        // (case), plan root.
        let arc = |head, relation| Dependency { head, relation };
        let tree = Tree {
            arcs: vec![
                arc(Head::Word(2), Relation::NmodPoss),
                arc(Head::Word(0), Relation::Case),
                arc(Head::Root, Relation::Root),
            ],
        };
        let tokens = onto_tokens(&tree, &[0, 0, 1], 2);
        assert_eq!(
            tokens.arcs,
            vec![
                arc(Head::Word(1), Relation::NmodPoss),
                arc(Head::Root, Relation::Root)
            ]
        );
    }
}
