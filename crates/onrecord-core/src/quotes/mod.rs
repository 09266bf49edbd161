//! Attribution: who said what. The stages, in order ([`extract`]):
//!
//! 1. [`candidates`]: a structured perceptron proposes cues (reporting
//!    verbs and phrases) at several levels of push;
//! 2. [`reading`]: for each cue, a second one tags the source and content
//!    around it ([`span`] has its features, every one relative to the cue
//!    and to where a token stands in the cue's dependency tree,
//!    [`syntax`]); a source it does not find is read from the tree;
//! 3. [`filter`]: a classifier keeps or drops each pushed candidate;
//! 4. [`repair`]: named repairs of regular misreadings ([`rules`]);
//! 5. [`assembly`]: each token of content to one quote, then
//!    [`orphans`] (quotations no cue claimed), [`transcripts`]
//!    ("NAME: ..." turns), quotations closed at their marks, and
//!    [`not_quotes`] (scare quotes, titles) dropped;
//! 6. [`speakers`]: speakers resolved to names, quotes written out.
//!
//! The three models are trained on PolNeAR by `cargo xtask train-quotes`
//! ([`training`]).

mod assembly;
mod candidates;
mod features;
mod filter;
mod not_quotes;
mod orphans;
mod reading;
mod repair;
mod rules;
mod span;
mod speakers;
mod syntax;
pub mod training;
mod transcripts;
mod words;

use std::sync::{Arc, OnceLock};

use crate::analysis::Analysis;
use crate::entities::people::Names;
use crate::perceptron::Model;
use crate::record::Quote;
use features::{LABELS, Lexicon, allowed, prepare};
pub use rules::QuoteRule;
pub(crate) use rules::QuoteRules;
use span::S_LABELS;

/// The committed weights (`models/*.bin`).
const CUE_BYTES: &[u8] = include_bytes!("../../models/cue.bin");
const SPAN_BYTES: &[u8] = include_bytes!("../../models/span.bin");
const FILTER_BYTES: &[u8] = include_bytes!("../../models/filter.bin");

struct Tagger {
    cue: Model,
    span: Model,
    lexicon: Lexicon,
    /// The candidate classifier and the margin a candidate needs; without
    /// it (while training it) every candidate with content stands.
    filter: Option<(Model, f32)>,
}

impl Tagger {
    fn new(cue: &[u8], span: &[u8], filter: Option<&[u8]>) -> Option<Tagger> {
        let cue = Model::from_bytes(cue).ok()?.with_allowed(&allowed);
        let span = Model::from_bytes(span).ok()?.with_allowed(&span::allowed);
        let filter = match filter {
            None => None,
            Some(bytes) => {
                let model = Model::from_bytes(bytes).ok()?;
                let threshold = model
                    .extra
                    .strip_prefix("threshold\t")?
                    .trim()
                    .parse::<f32>()
                    .ok()?;
                (model.labels() == filter::LABELS).then_some((model, threshold))
            }
        };
        (cue.labels() == LABELS && span.labels() == S_LABELS).then(|| Tagger {
            lexicon: Lexicon::parse(&cue.extra),
            cue,
            span,
            filter,
        })
    }
}

/// The attribution models: the cue tagger (with its lexicon), the source
/// and content tagger, and the candidate classifier (with its margin).
pub struct QuoteModel(Tagger);

impl std::fmt::Debug for QuoteModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuoteModel").finish_non_exhaustive()
    }
}

impl QuoteModel {
    /// Models written by `cargo xtask train-quotes` (`cue.bin`,
    /// `span.bin`, `filter.bin`).
    pub fn from_bytes(cue: &[u8], span: &[u8], filter: &[u8]) -> Result<QuoteModel, String> {
        Tagger::new(cue, span, Some(filter))
            .map(QuoteModel)
            .ok_or_else(|| "attribution models are malformed or of the wrong shape".to_owned())
    }

    /// The committed models built into the binary.
    pub fn embedded() -> Option<Arc<QuoteModel>> {
        static MODEL: OnceLock<Option<Arc<QuoteModel>>> = OnceLock::new();
        MODEL
            .get_or_init(|| {
                Tagger::new(CUE_BYTES, SPAN_BYTES, Some(FILTER_BYTES))
                    .map(|t| Arc::new(QuoteModel(t)))
            })
            .clone()
    }
}

#[cfg(test)]
fn tagger() -> Option<&'static Tagger> {
    static TAGGER: OnceLock<Option<Tagger>> = OnceLock::new();
    TAGGER
        .get_or_init(|| Tagger::new(CUE_BYTES, SPAN_BYTES, Some(FILTER_BYTES)))
        .as_ref()
}

/// The quotations of an analysed article; speakers are resolved with the
/// entity layer's person index.
pub(crate) fn extract(
    a: Analysis<'_>,
    names: &Names,
    model: &QuoteModel,
    rules: QuoteRules,
) -> Vec<Quote> {
    let tagger = &model.0;
    let (t, words) = a.split();
    let mut p = prepare(&t, words, &tagger.lexicon);
    let runs = span::quote_runs(&t);
    let cands = candidates::candidates(tagger, &t, &mut p, &runs, rules);
    let mut readings = filter::keep(tagger, &t, &p, cands);
    repair::repair(&t, &p, rules, &mut readings);
    let mut found = assembly::claim(&t, &readings);
    if rules.on(QuoteRule::OrphanQuotes) {
        orphans::orphan_quotes(&t, &runs, &readings, &mut found);
    }
    if rules.on(QuoteRule::TranscriptTurns) {
        transcripts::transcript_turns(&t, &mut found);
    }
    if rules.on(QuoteRule::CloseQuotations) {
        assembly::close_quotations(&t, &runs, &mut found);
    }
    found.sort_unstable_by_key(|f| f.first);
    if rules.on(QuoteRule::NotQuotes) {
        not_quotes::drop_not_quotes(&t, &mut found);
    }
    if found.is_empty() {
        return Vec::new();
    }
    speakers::write(&t, found, names)
}
