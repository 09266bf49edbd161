//! Second stage: a cue read for its source and content by the span
//! tagger, and the source completed where the tagger found none (from
//! the dependency tree, then from the words around the cue).

use super::features::Prepared;
use super::rules::{QuoteRule, QuoteRules};
use super::words::{quoted_share, spans_of};
use super::{Tagger, span, syntax};
use crate::perceptron::Fixed;
use crate::text::Tokens;
use span::{S_B_CON, S_B_SRC, S_CUE, S_I_CON, S_I_SRC};

thread_local! {
    /// A span reading's features, kept between readings: an article has
    /// dozens, each of some 2,000 ids, and the buffer is slow to allocate
    /// anew each time.
    static SPAN_FEATURES: std::cell::RefCell<crate::perceptron::Features> =
        std::cell::RefCell::new(crate::perceptron::Features::default());
}

/// Feature ids up to which [`SPAN_FEATURES`] keeps its buffer.
const SPAN_FEATURES_KEPT: usize = 1 << 17;

/// What one cue claims: source and content pieces (token ranges).
#[derive(Debug, Clone)]
pub(super) struct Reading {
    pub(super) cue: (usize, usize),
    pub(super) source: Option<(usize, usize)>,
    /// The span tagger found the source (rather than the fallback).
    pub(super) tagged_source: bool,
    pub(super) contents: Vec<(usize, usize)>,
    /// What the span tagger's best reading would lose without a content
    /// (and without a source): its confidence in them.
    pub(super) content_cost: f32,
    pub(super) source_cost: f32,
    /// The cue is passive ("was labeled", but not a verb of feeling: "are
    /// concerned") or a bare raising verb ("seems"): what stands before it
    /// is talked about, not talking.
    pub(super) passive: bool,
}

impl Reading {
    /// Whether `other`'s cue lies inside one of this reading's contents.
    pub(super) fn holds_cue_of(&self, other: &Reading) -> bool {
        let (cf, cl) = other.cue;
        self.contents.iter().any(|c| c.0 <= cf && cl <= c.1)
    }

    /// The first token of the cue with its speaker, where the speaker
    /// stands before it.
    pub(super) fn left(&self) -> usize {
        match self.source {
            Some((a, b)) if b < self.cue.0 => a,
            _ => self.cue.0,
        }
    }
}

pub(super) fn read_cue(
    tagger: &Tagger,
    t: &Tokens<'_>,
    p: &Prepared,
    runs: &[Option<u32>],
    rules: QuoteRules,
    (cf, cl): (usize, usize),
    with_costs: bool,
) -> Reading {
    let range = span::window(t, cf, cl);
    let decoding = SPAN_FEATURES.with(|cell| {
        let mut f = cell.borrow_mut();
        span::features(&mut f, t, p, runs, range.clone(), cf, cl);
        let pinned: Vec<Option<usize>> = range
            .clone()
            .map(|i| (cf..=cl).contains(&i).then_some(S_CUE))
            .collect();
        let decoding = tagger.span.decode_scored(
            &f,
            &Fixed {
                at: &pinned,
                reserved: Some(S_CUE),
            },
        );
        // The buffer of a very long window is not kept for the run.
        if f.capacity() > SPAN_FEATURES_KEPT {
            *f = crate::perceptron::Features::default();
        }
        decoding
    });
    let start = range.start;
    let range = &range;
    let labels = &decoding.path;
    let mut sources: Vec<(usize, usize)> = Vec::new();
    let mut contents: Vec<(usize, usize)> = Vec::new();
    spans_of(labels, start, (S_B_SRC, S_I_SRC), &mut sources);
    spans_of(labels, start, (S_B_CON, S_I_CON), &mut contents);
    // Pieces that touch are one content (the tagger may restart a content
    // at an opening quotation mark inside it).
    let mut joined: Vec<(usize, usize)> = Vec::with_capacity(contents.len());
    for c in contents {
        match joined.last_mut() {
            Some(prev) if prev.1 + 1 == c.0 => prev.1 = c.1,
            _ => joined.push(c),
        }
    }
    let mut contents: Vec<(usize, usize)> = joined
        .into_iter()
        .map(|c| span::extend_to_marks(runs, range, c))
        .collect();
    let gap = |a: &(usize, usize)| {
        if a.1 < cf {
            cf - a.1
        } else {
            a.0.saturating_sub(cl)
        }
    };
    // A speaker is not inside the quotation marks of what is said.
    let tagged = sources
        .into_iter()
        .filter(|&(a, b)| !(a..=b).all(|i| t.tokens[i].in_quote))
        .min_by_key(gap);
    // A passive cue ("has been criticized for", "was labeled") has its
    // subject as what is talked about: the speaker, if any, comes after.
    // Not so a passive verb of feeling, whose subject is the one who feels
    // ("voters are concerned", "we are convinced").
    let passive = (cf..cl).any(|i| {
        matches!(
            p.lower[i].as_str(),
            "is" | "was" | "were" | "are" | "been" | "be" | "being"
        ) && p.pos[i + 1] == "VBN"
    }) && !(cf..=cl).any(|i| feeling_participle(&p.lower[i]));
    let mut tagged = tagged.filter(|s| !(passive && s.1 < cf));
    // A short name or noun phrase right before the cue with no source
    // found is its subject, not what was said ("Putin warns of ...").
    if tagged.is_none()
        && !passive
        && let Some(k) = contents.iter().position(|&(a, b)| {
            b + 1 == cf
                && b - a < 4
                && (a..=b).all(|i| !t.tokens[i].in_quote && nominal_tag(p.pos[i]))
                && (a..=b).any(|i| matches!(p.pos[i], "NNP" | "NNPS" | "PRP" | "NN" | "NNS"))
        })
    {
        tagged = Some(contents.remove(k));
    }
    let tagged = if rules.on(QuoteRule::RelativePronoun) {
        tagged.map(|s| syntax::resolve_relative(t, p, (cf, cl), s).unwrap_or(s))
    } else {
        tagged
    };
    let from_tree = || {
        syntax::subject(t, p, (cf, cl), passive).filter(|&(a, b)| {
            !(a..=b).all(|i| t.tokens[i].in_quote) && !contents.iter().any(|c| c.0 <= b && a <= c.1)
        })
    };
    let source = tagged
        .or_else(|| rules.on(QuoteRule::TreeSubject).then(from_tree).flatten())
        .or_else(|| {
            rules
                .on(QuoteRule::NearbySubject)
                .then(|| subject(t, p, (cf, cl), passive, &contents))
                .flatten()
        });
    // What stands between the speaker and the cue describes the speaker
    // ("Zelensky, who was not invited to Alaska, said ..."), unless it is
    // quoted.
    if let Some((_, se)) = source
        && se < cf
    {
        contents.retain(|&(a, b)| !(se < a && b < cf) || quoted_share(t, a, b) > 0.0);
    }
    // A bare raising verb: with a verb of its own after it ("seemed to
    // blame"), what stands before is the one blaming.
    let raising = raising_verb(&p.lower[cl]);
    // Only a reading the classifier will weigh needs the tagger's
    // confidence (see `Candidate::weighed`); the two extra decodings are
    // skipped for the rest.
    let (content_cost, source_cost) = if with_costs && tagged.is_some() && !contents.is_empty() {
        (
            tagger.span.cost_without(&decoding, &[S_B_CON]),
            tagger.span.cost_without(&decoding, &[S_B_SRC]),
        )
    } else {
        (0.0, 0.0)
    };
    Reading {
        cue: (cf, cl),
        tagged_source: tagged.is_some(),
        source,
        contents,
        content_cost,
        source_cost,
        passive: passive || raising,
    }
}

/// A bare raising verb ("seems", "appeared"): what stands before it is
/// talked about, not talking.
pub(super) fn raising_verb(w: &str) -> bool {
    matches!(
        w,
        "seems" | "seem" | "seemed" | "appears" | "appear" | "appeared"
    )
}

/// Participles of verbs of feeling, whose passive names the one who feels.
pub(super) fn feeling_participle(w: &str) -> bool {
    matches!(
        w,
        "concerned"
            | "convinced"
            | "shocked"
            | "outraged"
            | "startled"
            | "pleased"
            | "excited"
            | "mystified"
            | "satisfied"
            | "surprised"
            | "frustrated"
            | "worried"
            | "scared"
            | "motivated"
            | "reassured"
            | "determined"
            | "intrigued"
            | "disappointed"
            | "confused"
            | "troubled"
            | "alarmed"
            | "encouraged"
            | "impressed"
            | "relieved"
            | "upset"
            | "amazed"
            | "annoyed"
            | "angered"
            | "bothered"
            | "interested"
            | "persuaded"
            | "dismayed"
            | "puzzled"
    )
}

/// Tags of the words of a base noun phrase.
pub(super) fn nominal_tag(tag: &str) -> bool {
    matches!(
        tag,
        "DT" | "PRP$" | "JJ" | "NN" | "NNS" | "NNP" | "NNPS" | "CD" | "POS" | "PRP"
    )
}

/// Where the span tagger found no source: the noun phrase the cue's verb
/// reads as its subject — the one right before it (across adverbs and
/// auxiliaries: "officials have long argued"), or, for an inverted cue, a
/// name or pronoun right after it ("said Mr. King"). None for a passive
/// cue ("was praised by ..." is left alone). Outside quotation marks and
/// outside the content.
pub(super) fn subject(
    t: &Tokens<'_>,
    p: &Prepared,
    (cf, cl): (usize, usize),
    passive: bool,
    contents: &[(usize, usize)],
) -> Option<(usize, usize)> {
    if passive {
        return None;
    }
    let nominal = |i: usize| {
        nominal_tag(p.pos[i])
            && !t.tokens[i].in_quote
            && !contents.iter().any(|c| c.0 <= i && i <= c.1)
    };
    if let Some(np) = phrase_before(t, p, cf, &nominal) {
        return Some(np);
    }
    let sentence = t.tokens[cf].sentence;
    let next = cl + 1;
    if next < t.len()
        && t.tokens[next].sentence == sentence
        && matches!(p.pos[next], "NNP" | "NNPS" | "PRP")
        && nominal(next)
    {
        let mut last = next;
        while last + 1 < t.len()
            && t.tokens[last + 1].sentence == sentence
            && matches!(p.pos[last + 1], "NNP" | "NNPS" | "POS")
            && nominal(last + 1)
        {
            last += 1;
        }
        return Some((next, last));
    }
    None
}

/// The noun phrase (of tokens that pass `nominal`) that ends right before
/// token `cf`, across adverbs and auxiliaries ("officials have long
/// argued"), in its sentence.
pub(super) fn phrase_before(
    t: &Tokens<'_>,
    p: &Prepared,
    cf: usize,
    nominal: &dyn Fn(usize) -> bool,
) -> Option<(usize, usize)> {
    let head = |i: usize| matches!(p.pos[i], "NN" | "NNS" | "NNP" | "NNPS" | "PRP");
    let sentence = t.tokens[cf].sentence;
    let mut end = cf;
    while end > 0
        && t.tokens[end - 1].sentence == sentence
        && (matches!(p.pos[end - 1], "RB" | "MD")
            || matches!(
                p.lower[end - 1].as_str(),
                "has" | "have" | "had" | "will" | "would" | "also" | "did" | "does" | "do"
            ))
    {
        end -= 1;
    }
    if end == 0 || t.tokens[end - 1].sentence != sentence || !head(end - 1) || !nominal(end - 1) {
        return None;
    }
    let last = end - 1;
    let mut first = last;
    while first > 0 && t.tokens[first - 1].sentence == sentence && nominal(first - 1) {
        first -= 1;
    }
    Some((first, last))
}
