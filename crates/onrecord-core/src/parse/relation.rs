//! Universal Dependencies relations, with the subtypes English EWT uses.

/// Declares [`Relation`] from one list of `Variant = "name"` pairs.
macro_rules! relations {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal),+ $(,)?) => {
        /// The relation of a word to its head: a Universal Dependencies
        /// label, subtypes included (`nsubj:pass`, `acl:relcl`, ...).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Relation {
            $($(#[doc = $doc])* #[doc = concat!("UD `", $name, "`.")] $variant,)+
        }

        impl Relation {
            /// Every relation, in the order of their label numbers.
            pub const ALL: &'static [Relation] = &[$(Relation::$variant),+];

            /// The label as UD writes it (`nsubj:pass`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Relation::$variant => $name,)+
                }
            }

            /// The relation a UD label names; a subtype this list lacks
            /// falls back to its universal part (`obl:npmod` is `obl`).
            pub fn from_label(label: &str) -> Option<Relation> {
                match label {
                    $($name => Some(Relation::$variant),)+
                    _ => label
                        .split_once(':')
                        .and_then(|(universal, _)| Relation::from_label(universal)),
                }
            }
        }
    };
}

relations! {
    Acl = "acl",
    /// A relative clause modifying a noun.
    AclRelcl = "acl:relcl",
    Advcl = "advcl",
    AdvclRelcl = "advcl:relcl",
    Advmod = "advmod",
    Amod = "amod",
    Appos = "appos",
    Aux = "aux",
    AuxPass = "aux:pass",
    Case = "case",
    Cc = "cc",
    CcPreconj = "cc:preconj",
    /// A clausal complement: what a cue such as "said" reports.
    Ccomp = "ccomp",
    Clf = "clf",
    Compound = "compound",
    CompoundPrt = "compound:prt",
    Conj = "conj",
    Cop = "cop",
    Csubj = "csubj",
    CsubjOuter = "csubj:outer",
    CsubjPass = "csubj:pass",
    Dep = "dep",
    Det = "det",
    DetPredet = "det:predet",
    Discourse = "discourse",
    Dislocated = "dislocated",
    Expl = "expl",
    Fixed = "fixed",
    Flat = "flat",
    Goeswith = "goeswith",
    Iobj = "iobj",
    List = "list",
    Mark = "mark",
    Nmod = "nmod",
    NmodDesc = "nmod:desc",
    NmodPoss = "nmod:poss",
    NmodUnmarked = "nmod:unmarked",
    /// The subject of a clause: the speaker of "she said".
    Nsubj = "nsubj",
    NsubjOuter = "nsubj:outer",
    NsubjPass = "nsubj:pass",
    Nummod = "nummod",
    Obj = "obj",
    Obl = "obl",
    /// The agent of a passive verb ("was told by the minister").
    OblAgent = "obl:agent",
    OblUnmarked = "obl:unmarked",
    Orphan = "orphan",
    Parataxis = "parataxis",
    Punct = "punct",
    Reparandum = "reparandum",
    /// The head of the sentence.
    Root = "root",
    Vocative = "vocative",
    Xcomp = "xcomp",
}

impl Relation {
    /// The universal part of the label (`nsubj` for `nsubj:pass`), as
    /// the CoNLL 2018 labelled score compares labels.
    pub fn universal(self) -> &'static str {
        let s = self.as_str();
        s.split_once(':').map_or(s, |(u, _)| u)
    }

    /// The label number of this relation in a model.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_unknown_subtypes_fall_back() {
        for (i, &r) in Relation::ALL.iter().enumerate() {
            assert_eq!(r.index(), i);
            assert_eq!(Relation::from_label(r.as_str()), Some(r));
        }
        assert_eq!(Relation::from_label("obl:npmod"), Some(Relation::Obl));
        assert_eq!(
            Relation::from_label("nsubj:pass"),
            Some(Relation::NsubjPass)
        );
        assert_eq!(Relation::NsubjPass.universal(), "nsubj");
        assert_eq!(Relation::from_label("bogus"), None);
        assert!(Relation::ALL.len() <= 64, "a model holds at most 64 labels");
    }
}
