//! Dependency trees: a greedy arc-hybrid parser with a dynamic oracle
//! (Goldberg and Nivre 2013) and averaged perceptrons, over the
//! tagger's own tags.
//!
//! Two models: one chooses the moves that build an unlabelled tree, one
//! then gives each arc its [`Relation`], reading the finished tree (the
//! dependent's children, the head's neighbours) and the neighbouring
//! arcs' relations (a first-order sequence over the words).
//!
//! Trained on the Universal Dependencies English Web Treebank (Silveira
//! et al. 2014, "A Gold Standard Dependency Corpus for English", and the
//! UD project), CC BY-SA 4.0: the weights in `models/parse-*.bin` carry
//! that licence and credit (`models/README.md`). `cargo xtask train-parse`
//! rebuilds them bit for bit; `cargo xtask eval-parse` scores them.
//!
//! Written here rather than taken from a crate: no Rust parser crate
//! trains in Rust from a treebank and loads small committed weights, and
//! the moves model shares the perceptron's cache-friendly weight table
//! with the tagger.

mod features;
mod relation;
mod system;
pub mod training;
mod words;

use std::ops::Range;
use std::sync::OnceLock;

use crate::perceptron::{Features, Fixed, Model, ModelError, hash};
use crate::text::Tokens;
pub use relation::Relation;
use system::{Move, NONE, State};

pub(crate) use features::Words;

const MOVES_BYTES: &[u8] = include_bytes!("../../models/parse-moves.bin");
const RELATIONS_BYTES: &[u8] = include_bytes!("../../models/parse-relations.bin");

/// Where a word attaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    /// The word heads the sentence.
    Root,
    /// The index of the head word in the sentence.
    Word(usize),
}

/// A word's arc: its head and relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dependency {
    /// The word it attaches to.
    pub head: Head,
    /// How it attaches.
    pub relation: Relation,
}

/// A dependency tree over a sentence's words: `arcs[i]` is word `i`'s.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tree {
    /// One per word, in order.
    pub arcs: Vec<Dependency>,
}

impl Tree {
    /// The head of word `i`, if it has one (not the root's child).
    pub fn head(&self, i: usize) -> Option<usize> {
        match self.arcs.get(i)?.head {
            Head::Root => None,
            Head::Word(h) => Some(h),
        }
    }

    /// The words whose head is `i`, in order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.arcs
            .iter()
            .enumerate()
            .filter(move |(_, a)| a.head == Head::Word(i))
            .map(|(d, _)| d)
    }
}

/// The two models.
pub(crate) struct Parser {
    moves: Model,
    relations: Model,
}

/// Buffers a parse reuses from one sentence to the next.
#[derive(Default)]
pub(crate) struct Scratch {
    state: Option<State>,
    ids: Vec<u32>,
    feats: Features,
    scores: Vec<f32>,
}

impl Parser {
    pub(crate) fn from_bytes(moves: &[u8], relations: &[u8]) -> Result<Parser, ModelError> {
        let moves = Model::from_bytes(moves)?;
        let relations = Model::from_bytes(relations)?;
        if moves.labels() != Move::ALL.len() || relations.labels() != Relation::ALL.len() {
            return Err(ModelError("parser models of the wrong shape"));
        }
        Ok(Parser { moves, relations })
    }

    /// The models built into the binary, if they were trained.
    pub(crate) fn builtin() -> Option<&'static Parser> {
        static PARSER: OnceLock<Option<Parser>> = OnceLock::new();
        PARSER
            .get_or_init(|| Parser::from_bytes(MOVES_BYTES, RELATIONS_BYTES).ok())
            .as_ref()
    }

    /// The unlabelled tree: `heads[i]` is `n` for the root's child.
    fn heads(&self, w: &Words<'_>, s: &mut Scratch) -> Vec<u32> {
        let n = w.word.len();
        let st = s.state.get_or_insert_with(|| State::new(0));
        st.reset(n);
        while !st.done() {
            features::moves(st, w, &mut s.ids);
            s.feats.clear();
            for &id in &s.ids {
                s.feats.push(id);
            }
            s.feats.next();
            self.moves.scores_into(&s.feats, &mut s.scores);
            let best = Move::ALL
                .into_iter()
                .filter(|&m| st.valid(m))
                .max_by(|a, b| s.scores[a.index()].total_cmp(&s.scores[b.index()]));
            // A state that is not done always has a valid move.
            let Some(m) = best else { break };
            st.apply(m);
        }
        st.heads.clone()
    }

    /// The relation of each arc of `heads`.
    fn label(&self, heads: &[u32], w: &Words<'_>, s: &mut Scratch) -> Vec<Relation> {
        let n = heads.len() as u32;
        features::relations(heads, w, &mut s.feats);
        let pins: Vec<Option<usize>> = heads
            .iter()
            .map(|&h| (h == n).then_some(Relation::Root.index()))
            .collect();
        let fixed = Fixed {
            at: &pins,
            reserved: Some(Relation::Root.index()),
        };
        self.relations
            .greedy_fixed(&s.feats, &fixed, &mut s.scores)
            .into_iter()
            .map(|y| Relation::ALL.get(y).copied().unwrap_or(Relation::Dep))
            .collect()
    }

    /// The tree of one sentence.
    pub(crate) fn parse(&self, w: &Words<'_>, s: &mut Scratch) -> Tree {
        let heads = self.heads(w, s);
        let relations = self.label(&heads, w, s);
        let n = heads.len() as u32;
        let arcs = heads
            .iter()
            .zip(relations)
            .map(|(&h, relation)| Dependency {
                head: if h >= n || h == NONE {
                    Head::Root
                } else {
                    Head::Word(h as usize)
                },
                relation,
            })
            .collect();
        Tree { arcs }
    }
}

/// Trees of an article's sentences over its tokens: the sentences asked
/// for are parsed, the rest left without arcs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Syntax {
    /// Each token's head token, or `None` (the root's child, or not
    /// parsed).
    head: Vec<Option<u32>>,
    /// Each token's relation, `None` where its sentence was not parsed.
    relation: Vec<Option<Relation>>,
}

impl Syntax {
    /// Parses the sentences of `t` for which `wanted` holds (with the
    /// built-in models; none parsed when they are not built in).
    pub(crate) fn of(t: &Tokens<'_>, wanted: &dyn Fn(Range<usize>) -> bool) -> Syntax {
        let mut out = Syntax {
            head: vec![None; t.len()],
            relation: vec![None; t.len()],
        };
        let Some(parser) = Parser::builtin() else {
            return out;
        };
        let mut scratch = Scratch::default();
        for r in &t.sentences {
            if r.is_empty() || !wanted(r.clone()) {
                continue;
            }
            let tree = parser.parse_tokens(t, r.clone(), &mut scratch);
            for (k, arc) in tree.arcs.iter().enumerate() {
                let i = r.start + k;
                out.head[i] = match arc.head {
                    Head::Root => None,
                    Head::Word(h) => u32::try_from(r.start + h).ok(),
                };
                out.relation[i] = Some(arc.relation);
            }
        }
        out
    }

    /// The head of token `i`.
    pub(crate) fn head(&self, i: usize) -> Option<usize> {
        self.head.get(i).copied().flatten().map(|h| h as usize)
    }

    /// The relation of token `i` to its head, if its sentence was parsed.
    pub(crate) fn relation(&self, i: usize) -> Option<Relation> {
        self.relation.get(i).copied().flatten()
    }

    /// Whether token `i`'s sentence was parsed.
    #[cfg(test)]
    pub(crate) fn parsed(&self, i: usize) -> bool {
        self.relation(i).is_some()
    }

    /// The child of `top` on the path up from `i` (`i` itself when its
    /// head is `top`); `None` when `top` does not dominate `i`. Paths are
    /// bounded by the sentence, so a malformed tree cannot loop.
    pub(crate) fn child_towards(&self, top: usize, i: usize, limit: usize) -> Option<usize> {
        let mut at = i;
        for _ in 0..limit {
            let h = self.head(at)?;
            if h == top {
                return Some(at);
            }
            at = h;
        }
        None
    }
}

impl Parser {
    /// The tree of the tokens `range` of `t` (one sentence), read onto
    /// the tokens: heads are indices within the range.
    pub(crate) fn parse_tokens(
        &self,
        t: &Tokens<'_>,
        range: Range<usize>,
        s: &mut Scratch,
    ) -> Tree {
        let n = range.len();
        let cut = words::cut(t, range);
        let lower: Vec<String> = (0..cut.words.len())
            .map(|i| cut.words.str(i).to_lowercase())
            .collect();
        let word: Vec<u64> = lower.iter().map(|w| hash(w)).collect();
        let tags: Vec<u64> = crate::pos::tag(&cut.words, &lower, &word)
            .into_iter()
            .map(hash)
            .collect();
        let tree = self.parse(
            &Words {
                word: &word,
                tag: &tags,
            },
            s,
        );
        words::onto_tokens(&tree, &cut.token_of, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    /// The tree of the first sentence of `text`, as (word, head word,
    /// relation) triples.
    pub(super) fn arcs(text: &str) -> Vec<(String, String, &'static str)> {
        let t = tokenize(text);
        let syntax = Syntax::of(&t, &|_| true);
        (0..t.len())
            .map(|i| {
                let head = syntax.head(i).map_or("ROOT", |h| t.str(h));
                let rel = syntax.relation(i).map_or("-", Relation::as_str);
                (t.str(i).to_owned(), head.to_owned(), rel)
            })
            .collect()
    }

    #[test]
    fn the_built_in_parser_reads_a_report_over_the_pipelines_tokens() {
        let arcs = arcs("Ana Cruz, former head of the party, said Trump's plan wouldn't work.");
        let arc = |w: &str| {
            arcs.iter()
                .find(|a| a.0 == w)
                .map(|a| (a.1.as_str(), a.2))
                .unwrap_or_else(|| panic!("no {w}"))
        };
        assert_eq!(arc("said"), ("ROOT", "root"));
        assert_eq!(arc("Ana"), ("said", "nsubj"));
        assert_eq!(arc("work"), ("said", "ccomp"));
        // A token the treebank cuts in two takes the arc of its host.
        assert_eq!(arc("Trump's"), ("plan", "nmod:poss"));
        assert_eq!(arc("plan"), ("work", "nsubj"));
        assert_eq!(arc("wouldn't"), ("work", "aux"));
    }

    #[test]
    fn only_the_sentences_asked_for_are_parsed_and_any_text_is_safe() {
        let t = tokenize("He said so. It rained.");
        let syntax = Syntax::of(&t, &|r| r.start == 0);
        assert!(syntax.parsed(0));
        assert!(!syntax.parsed(t.len() - 1));
        for text in ["", "-", "''", "a-'s n't", "“”", &"word ".repeat(3000)] {
            let t = tokenize(text);
            let syntax = Syntax::of(&t, &|_| true);
            for i in 0..t.len() {
                assert!(syntax.head(i).is_none_or(|h| h < t.len() && h != i));
            }
        }
    }
}
#[cfg(test)]
mod dbg_tmp {
    #[test]
    fn dbg_print() {
        let s = std::env::var("DBG").unwrap_or_default();
        for a in super::tests::arcs(&s) {
            eprintln!("{a:?}");
        }
        let t = crate::text::tokenize(&s);
        let lower: Vec<String> = (0..t.len()).map(|i| t.str(i).to_lowercase()).collect();
        let word: Vec<u64> = lower.iter().map(|w| crate::perceptron::hash(w)).collect();
        eprintln!("TAGS {:?}", crate::pos::tag(&t, &lower, &word));
    }
}
