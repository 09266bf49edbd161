//! The hand-written rules of attribution, each with a name and a switch:
//! `cargo xtask eval-quotes --without NAME` measures what one is worth
//! (docs/quotes.md has the table). None of them changes what the learned
//! models read, so models trained with every rule on score any set of
//! them.

/// Declares [`QuoteRule`] from one list of `Variant = "name"` pairs.
macro_rules! quote_rules {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal),+ $(,)?) => {
        /// A named rule of the attribution stage.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum QuoteRule {
            $($(#[doc = $doc])* $variant,)+
        }

        impl QuoteRule {
            /// Every rule, in the order they apply.
            pub const ALL: &'static [QuoteRule] = &[$(QuoteRule::$variant),+];

            /// The rule's name, as `--without` takes it.
            pub fn name(self) -> &'static str {
                match self {
                    $(QuoteRule::$variant => $name,)+
                }
            }
        }
    };
}

quote_rules! {
    /// A content piece that only says when ("Saturday", "a week later")
    /// is dropped.
    WhenOnly = "when-only",
    /// A participle opening a sentence reports up to its comma ("Citing
    /// X, Trump accused ...").
    ParticipleClause = "participle-clause",
    /// A strong reporting verb after a comma with no content read takes
    /// the clause before it ("The plan will fail, he warned").
    ClauseBefore = "clause-before",
    /// A reporting verb with no content read takes a "that" clause later
    /// in its sentence.
    ThatClause = "that-clause",
    /// A poll or survey opening a sentence reports what it found.
    PollFindings = "poll-findings",
    /// A content holding a cue joined by "and" is split at it.
    SplitCoordinated = "split-coordinated",
    /// A cue set off by commas inside what was said completes both sides.
    AcrossCues = "across-cues",
    /// Content pieces a word or two apart are joined.
    JoinPieces = "join-pieces",
    /// The subject of a passive cue is what is talked about: content, not
    /// speaker.
    PassiveSubject = "passive-subject",
    /// A noun phrase right after the cue of a quotation is its speaker
    /// ("..., said the senator").
    InvertedSpeaker = "inverted-speaker",
    /// Where and to whom something was said is not content.
    StrayPieces = "stray-pieces",
    /// Where the span tagger found no source: the cue's subject read from
    /// the dependency tree (the agent of a passive cue, the subject shared
    /// with a coordinated verb).
    TreeSubject = "tree-subject",
    /// A source read as a relative pronoun reaches back to the noun phrase
    /// it stands for ("officials who").
    RelativePronoun = "relative-pronoun",
    /// Where the tree gives no source either: the noun phrase right before
    /// the cue, or a name right after it.
    NearbySubject = "nearby-subject",
    /// A quotation no cue claimed is attributed to a speaker nearby (a
    /// dash line, the quote before or after it).
    OrphanQuotes = "orphan-quotes",
    /// Paragraphs opening with "NAME:" are transcript turns.
    TranscriptTurns = "transcript-turns",
    /// A quotation read from its opening mark runs to its closing mark.
    CloseQuotations = "close-quotations",
    /// Scare quotes, titles, namings ("dubbed") and requests for anonymity
    /// are not quotes.
    NotQuotes = "not-quotes",
}

impl QuoteRule {
    /// The rule of this name.
    pub fn from_name(name: &str) -> Option<QuoteRule> {
        QuoteRule::ALL.iter().copied().find(|r| r.name() == name)
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// Which [`QuoteRule`]s are on (all by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuoteRules(u32);

impl Default for QuoteRules {
    fn default() -> Self {
        QuoteRules(u32::MAX)
    }
}

impl QuoteRules {
    pub(crate) fn without(self, rule: QuoteRule) -> QuoteRules {
        QuoteRules(self.0 & !rule.bit())
    }

    pub(crate) fn on(self, rule: QuoteRule) -> bool {
        self.0 & rule.bit() != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_read_back() {
        assert!(QuoteRule::ALL.len() <= 32, "one bit per rule");
        for &r in QuoteRule::ALL {
            assert_eq!(QuoteRule::from_name(r.name()), Some(r));
            let off = QuoteRules::default().without(r);
            assert!(!off.on(r));
            assert!(
                QuoteRule::ALL
                    .iter()
                    .filter(|&&o| o != r)
                    .all(|&o| off.on(o))
            );
        }
        assert_eq!(QuoteRule::from_name("no-such-rule"), None);
    }
}
