//! Attribution: who said what, in two stages. A structured perceptron
//! finds cues (reporting verbs and phrases); then, for each cue, a second
//! one tags the source and content around it, with every feature relative
//! to that cue. Both are trained on PolNeAR's train split by
//! `cargo xtask train-quotes`. The speaker mention is then resolved to a
//! name.

mod features;
mod filter;
mod repair;
mod span;

use std::ops::Range;
use std::sync::OnceLock;

use crate::analysis::Analysis;
use crate::entities::people::Names;
use crate::perceptron::{Fixed, Model, Trainer, passes};
use crate::record::{Quote, QuoteKind, Span};
use crate::text::{Tokens, is_double_mark, tokenize};
use features::{B_CUE, I_CUE, LABELS, Lexicon, O, Prepared, allowed, features, prepare};
use span::{S_B_CON, S_B_SRC, S_CUE, S_I_CON, S_I_SRC, S_LABELS, S_O};

/// The committed weights (`models/*.bin`).
const CUE_BYTES: &[u8] = include_bytes!("../models/cue.bin");
const SPAN_BYTES: &[u8] = include_bytes!("../models/span.bin");
const FILTER_BYTES: &[u8] = include_bytes!("../models/filter.bin");

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

fn tagger() -> Option<&'static Tagger> {
    static TAGGER: OnceLock<Option<Tagger>> = OnceLock::new();
    TAGGER
        .get_or_init(|| Tagger::new(CUE_BYTES, SPAN_BYTES, Some(FILTER_BYTES)))
        .as_ref()
}

/// Token ranges of paragraphs: the cue tagger's sequences.
fn paragraphs(t: &Tokens<'_>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=t.len() {
        if i == t.len() || t.tokens[i].paragraph != t.tokens[i - 1].paragraph {
            if start < i {
                out.push(start..i);
            }
            start = i;
        }
    }
    out
}

/// Appends the spans (first, last token) that a `begin`/`inside` label pair
/// marks in `labels`, whose first label is token `start`.
fn spans_of(
    labels: &[usize],
    start: usize,
    (begin, inside): (usize, usize),
    out: &mut Vec<(usize, usize)>,
) {
    for (k, &l) in labels.iter().enumerate() {
        let i = start + k;
        if l == begin {
            out.push((i, i));
        } else if l == inside
            && let Some(c) = out.last_mut()
        {
            c.1 = i;
        }
    }
}

/// A cue the cue tagger proposes, read.
#[derive(Debug, Clone)]
struct Candidate {
    reading: Reading,
    /// The index of the first bias in [`filter::LEVELS`] whose decoding
    /// proposes the cue (0: the tagger's own best reading).
    level: u8,
    /// The tagger's score for starting a cue at its first token, over
    /// the score for no cue there.
    score: f32,
}

impl Candidate {
    /// Whether the classifier decides on it: the tagger's own cues stand,
    /// and a pushed cue with no source in reach is dropped.
    fn weighed(&self) -> bool {
        self.level > 0 && self.reading.tagged_source
    }
}

/// Candidate cue spans (first, last token), each with its level and
/// score (see [`Candidate`]).
fn find_cues(tagger: &Tagger, t: &Tokens<'_>, p: &Prepared) -> Vec<((usize, usize), u8, f32)> {
    let mut cues: Vec<((usize, usize), u8, f32)> = Vec::new();
    let mut spans = Vec::new();
    for range in paragraphs(t) {
        let f = features(t, p, range.clone());
        let em = tagger.cue.scores(&f);
        let from = cues.len();
        for (level, &b) in filter::LEVELS.iter().enumerate() {
            let mut bias = [0.0; LABELS];
            bias[B_CUE] = b;
            spans.clear();
            spans_of(
                &tagger.cue.best(em.clone(), &Fixed::default(), &bias),
                range.start,
                (B_CUE, I_CUE),
                &mut spans,
            );
            for &c in &spans {
                if cues[from..].iter().all(|(s, _, _)| s.1 < c.0 || c.1 < s.0) {
                    let row = (c.0 - range.start) * LABELS;
                    let score = em[row + B_CUE] - em[row + O];
                    cues.push((c, level as u8, score));
                }
            }
        }
    }
    cues.sort_unstable_by_key(|c| c.0);
    cues
}

/// Every candidate cue, read; a pushed cue only with some content (the
/// tagger's own cues stay even without: a later quotation may take their
/// speaker, "“...” X said so.").
fn candidates(
    tagger: &Tagger,
    t: &Tokens<'_>,
    p: &Prepared,
    runs: &[Option<u32>],
) -> Vec<Candidate> {
    find_cues(tagger, t, p)
        .into_iter()
        .map(|(cue, level, score)| Candidate {
            // Only a pushed candidate's reading is weighed.
            reading: read_cue(tagger, t, p, runs, cue, level > 0),
            level,
            score,
        })
        .filter(|c| c.level == 0 || !c.reading.contents.is_empty())
        .collect()
}

/// For each candidate, whether its cue lies inside another's content.
fn nested_flags(cands: &[Candidate]) -> Vec<bool> {
    cands
        .iter()
        .enumerate()
        .map(|(k, c)| {
            cands
                .iter()
                .enumerate()
                .any(|(j, o)| j != k && o.reading.holds_cue_of(&c.reading))
        })
        .collect()
}

/// The candidates that stand: the tagger's own, and the pushed ones the
/// classifier keeps.
fn keep(tagger: &Tagger, t: &Tokens<'_>, p: &Prepared, cands: Vec<Candidate>) -> Vec<Reading> {
    let nested = nested_flags(&cands);
    cands
        .into_iter()
        .zip(nested)
        .filter(|(c, nested)| {
            if c.level == 0 {
                return true;
            }
            let Some((model, threshold)) = &tagger.filter else {
                return true;
            };
            c.weighed()
                && model.margin(&filter::features(t, p, c, *nested), filter::KEEP) > *threshold
        })
        .map(|(c, _)| c.reading)
        .collect()
}

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
struct Reading {
    cue: (usize, usize),
    source: Option<(usize, usize)>,
    /// The span tagger found the source (rather than the fallback).
    tagged_source: bool,
    contents: Vec<(usize, usize)>,
    /// What the span tagger's best reading would lose without a content
    /// (and without a source): its confidence in them.
    content_cost: f32,
    source_cost: f32,
    /// The cue is passive ("was labeled", but not a verb of feeling: "are
    /// concerned") or a bare raising verb ("seems"): what stands before it
    /// is talked about, not talking.
    passive: bool,
}

impl Reading {
    /// Whether `other`'s cue lies inside one of this reading's contents.
    fn holds_cue_of(&self, other: &Reading) -> bool {
        let (cf, cl) = other.cue;
        self.contents.iter().any(|c| c.0 <= cf && cl <= c.1)
    }

    /// The first token of the cue with its speaker, where the speaker
    /// stands before it.
    fn left(&self) -> usize {
        match self.source {
            Some((a, b)) if b < self.cue.0 => a,
            _ => self.cue.0,
        }
    }
}

fn read_cue(
    tagger: &Tagger,
    t: &Tokens<'_>,
    p: &Prepared,
    runs: &[Option<u32>],
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
    let source = tagged.or_else(|| subject(t, p, (cf, cl), passive, &contents));
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
fn raising_verb(w: &str) -> bool {
    matches!(
        w,
        "seems" | "seem" | "seemed" | "appears" | "appear" | "appeared"
    )
}

/// Participles of verbs of feeling, whose passive names the one who feels.
fn feeling_participle(w: &str) -> bool {
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
fn nominal_tag(tag: &str) -> bool {
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
fn subject(
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
fn phrase_before(
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

fn span(t: &Tokens<'_>, first: usize, last: usize) -> Span {
    let a = &t.tokens[first];
    let b = &t.tokens[last];
    Span {
        text: t.text[a.byte_start..b.byte_end].to_owned(),
        start: a.start,
        end: b.end,
    }
}

/// Share of the letters and digits of tokens `first..=last` inside double
/// quotation marks.
fn quoted_share(t: &Tokens<'_>, first: usize, last: usize) -> f32 {
    let (mut inside, mut all) = (0usize, 0usize);
    for i in first..=last {
        let n = t.str(i).chars().filter(|c| c.is_alphanumeric()).count();
        all += n;
        if t.tokens[i].in_quote {
            inside += n;
        }
    }
    if all == 0 {
        0.0
    } else {
        inside as f32 / all as f32
    }
}

/// Quotes from the cues' readings. A token of content belongs to one
/// quote only: where two cues claim overlapping content, the cue nearer to
/// it keeps it.
fn assemble(
    t: &Tokens<'_>,
    runs: &[Option<u32>],
    readings: &[Reading],
    names: &Names,
) -> Vec<Quote> {
    // A cue inside another cue's content is part of what was said, not an
    // attribution of its own ("X called for Y, sources said").
    let inside = |r: &Reading, o: &Reading| o.holds_cue_of(r);
    let nested: Vec<bool> = readings
        .iter()
        .map(|r| {
            readings
                .iter()
                .any(|o| !std::ptr::eq(r, o) && inside(r, o) && !inside(o, r))
        })
        .collect();
    let mut claims: Vec<(usize, usize, (usize, usize))> = Vec::new();
    for (r, reading) in readings.iter().enumerate() {
        if nested[r] {
            continue;
        }
        let (cf, cl) = reading.cue;
        for &c in &reading.contents {
            if !(c.0..=c.1).any(|i| t.str(i).chars().any(char::is_alphanumeric)) {
                continue;
            }
            let gap = if c.1 < cf {
                cf - c.1
            } else {
                c.0.saturating_sub(cl)
            };
            claims.push((gap, r, c));
        }
    }
    claims.sort_unstable();
    let mut taken: Vec<(usize, usize, usize)> = Vec::new();
    for (_, r, c) in claims {
        if taken.iter().all(|&(_, a, b)| c.1 < a || b < c.0) {
            taken.push((r, c.0, c.1));
        }
    }
    let mut found: Vec<Found> = taken
        .into_iter()
        .map(|(r, first, last)| Found {
            first,
            last,
            cue: Some(readings[r].cue),
            source: readings[r].source,
        })
        .collect();
    orphan_quotes(t, runs, readings, &mut found);
    transcript_turns(t, &mut found);
    close_quotations(t, runs, &mut found);
    found.sort_unstable_by_key(|f| f.first);
    // A short quoted phrase stands when a cue right before it claims it
    // ("call them “lone wolves”", "has used the phrase “Islamic
    // terrorism”"): it is the naming, not a scare quote.
    let claimed = |f: &Found| {
        f.cue
            .is_some_and(|(_, cl)| cl < f.first && f.first - cl <= 3)
            && (f.first..=f.last)
                .filter(|&i| t.str(i).chars().any(char::is_alphanumeric))
                .all(|i| t.tokens[i].in_quote)
    };
    // Titles and nicknames are named, not said ("a chapter titled
    // “Arrogant,”").
    let naming = |f: &Found| {
        f.cue.is_some_and(|(c, cl)| {
            c == cl
                && matches!(
                    t.str(c).to_lowercase().as_str(),
                    "titled" | "entitled" | "dubbed" | "nicknamed" | "headlined" | "headline"
                )
        })
    };
    // Asking for anonymity is not a statement ("who asked not to be
    // named", "spoke on condition of anonymity").
    let anonymity = |f: &Found| {
        f.cue.is_some_and(|(_, cl)| {
            let after: Vec<String> = (cl + 1..(cl + 6).min(t.len()))
                .map(|i| t.str(i).to_lowercase())
                .collect();
            let after: Vec<&str> = after.iter().map(String::as_str).collect();
            after.starts_with(&["not", "to", "be"])
                || after.contains(&"anonymity")
                || after.starts_with(&["anonymously"])
        })
    };
    found.retain(|f| {
        !naming(f)
            && !anonymity(f)
            && !title_case_quote(t, f.first, f.last)
            && (claimed(f) || !scare_quote(t, f.first, f.last))
    });
    if found.is_empty() {
        return Vec::new();
    }
    let mut resolved: Vec<(usize, String)> = Vec::new();
    let mut quotes = Vec::with_capacity(found.len());
    for f in found {
        let speaker_name = f
            .source
            .and_then(|s| names.resolve(t, s.0, s.1 + 1, &resolved));
        // Only people are antecedents of a later "he" or "she".
        if let (Some(s), Some(name)) = (f.source, &speaker_name)
            && names.knows(name)
        {
            resolved.push((s.0, name.clone()));
        }
        let share = quoted_share(t, f.first, f.last);
        let kind = if share >= 0.8 {
            QuoteKind::Direct
        } else if share > 0.0 {
            QuoteKind::Mixed
        } else {
            QuoteKind::Indirect
        };
        quotes.push(Quote {
            kind,
            content: span(t, f.first, f.last),
            cue: f.cue.map(|c| span(t, c.0, c.1)),
            speaker: f.source.map(|s| span(t, s.0, s.1)),
            speaker_name,
        });
    }
    quotes
}

/// Words (tokens with a letter or digit) of tokens `first..=last`, and how
/// many of them are inside quotation marks.
fn word_counts(t: &Tokens<'_>, first: usize, last: usize) -> (usize, usize) {
    (first..=last)
        .filter(|&i| t.str(i).chars().any(char::is_alphanumeric))
        .fold((0, 0), |(w, q), i| {
            (w + 1, q + usize::from(t.tokens[i].in_quote))
        })
}

/// A short phrase around a quoted word or two ("the “ceasefire”"): a
/// scare quote or nickname, not a quote.
fn scare_quote(t: &Tokens<'_>, first: usize, last: usize) -> bool {
    let (words, quoted) = word_counts(t, first, last);
    let sentence_inside = (first..=last)
        .any(|i| t.tokens[i].in_quote && matches!(t.str(i), "." | "?" | "!" | "," | "..."));
    quoted > 0 && quoted <= SCARE_QUOTE_WORDS && words <= 6 && !sentence_inside
}

/// A title in title case ("“The Steve Harvey Morning Show,”", "State of
/// the Union.", the film “War and Peace”): every quoted word capitalised
/// but short function words; a title even where a cue claims it ("spoke
/// on “Face the Nation”").
fn title_case_quote(t: &Tokens<'_>, first: usize, last: usize) -> bool {
    let is_word = |i: usize| t.str(i).chars().any(char::is_alphanumeric);
    let (words, quoted) = word_counts(t, first, last);
    let quoted_words: Vec<&str> = (first..=last)
        .filter(|&i| is_word(i) && t.tokens[i].in_quote)
        .map(|i| t.str(i))
        .collect();
    let small = |w: &str| {
        matches!(
            w,
            "of" | "the" | "and" | "a" | "an" | "in" | "on" | "for" | "to" | "at" | "with"
        )
    };
    let capitalised = quoted_words
        .iter()
        .filter(|w| w.starts_with(char::is_uppercase))
        .count();
    // A rating or a sentence ("“Mostly True.”") is said, not a title;
    // but not after a possessive, which names a show or a book whatever
    // its punctuation ("on CNN's “State of the Union.”").
    let possessed = first > 0 && {
        let w = t.str(first - 1);
        w.ends_with("'s") || w.ends_with("’s")
    };
    let ends_sentence = !possessed
        && (first..=last).any(|i| t.tokens[i].in_quote && matches!(t.str(i), "." | "?" | "!"));
    quoted == words
        && (2..=6).contains(&quoted)
        && capitalised >= 2
        && quoted_words
            .iter()
            .all(|w| w.starts_with(char::is_uppercase) || small(w))
        && !ends_sentence
}

/// Quoted words up to which a short quoted phrase counts as a scare quote.
const SCARE_QUOTE_WORDS: usize = 3;

/// A quote before it is written out: token ranges.
struct Found {
    first: usize,
    last: usize,
    cue: Option<(usize, usize)>,
    source: Option<(usize, usize)>,
}

/// A quotation read from its opening mark runs to its closing mark in the
/// same paragraph when nothing else was read in between ("“What has
/// happened is this. The campaign has sent ...”" is one quote, not its
/// first sentence).
fn close_quotations(t: &Tokens<'_>, runs: &[Option<u32>], found: &mut [Found]) {
    found.sort_unstable_by_key(|f| f.first);
    for k in 0..found.len() {
        let f = &found[k];
        let Some(run) = runs[f.first] else { continue };
        if !is_double_mark(t.str(f.first)) || runs.get(f.last + 1).copied().flatten() != Some(run) {
            continue;
        }
        let mut end = f.last;
        while end + 1 < t.len()
            && runs[end + 1] == Some(run)
            && t.tokens[end + 1].paragraph == t.tokens[f.first].paragraph
        {
            end += 1;
        }
        let next = found.get(k + 1).map_or(usize::MAX, |n| n.first);
        let cue_inside = found[k]
            .cue
            .is_some_and(|(c, _)| c > found[k].last && c <= end);
        if end < next && !cue_inside {
            found[k].last = end;
        }
    }
}

/// Transcripts: paragraphs that open with a name in capitals and a colon
/// ("WALLACE: Let's start ...", also inside one long quotation) are turns,
/// each its speaker's own quote, whatever the tagger read over them. Two
/// speakers at least make a transcript (a lone "WASHINGTON:" is a dateline).
fn transcript_turns(t: &Tokens<'_>, found: &mut Vec<Found>) {
    let caps = |i: usize| {
        let w = t.str(i);
        w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase)
    };
    // (name first, name last, colon, paragraph's last token)
    let mut turns: Vec<(usize, usize, usize, usize)> = Vec::new();
    for p in (0..t.len()).filter(|&i| t.starts_paragraph(i)) {
        let start = if is_double_mark(t.str(p)) { p + 1 } else { p };
        let mut k = start;
        while k < t.len() && k - start < 3 && caps(k) {
            k += 1;
        }
        if k == start || k >= t.len() || t.str(k) != ":" {
            continue;
        }
        let mut end = k;
        while end + 1 < t.len() && !t.starts_paragraph(end + 1) {
            end += 1;
        }
        if end > k {
            turns.push((start, k - 1, k, end));
        }
    }
    let speakers: std::collections::HashSet<&str> = turns.iter().map(|x| t.str(x.0)).collect();
    if turns.len() < 2 || speakers.len() < 2 {
        return;
    }
    // What the tagger read over the turns keeps only what comes before
    // the first of them.
    let opens = |x: &(usize, usize, usize, usize)| {
        if x.0 > 0 && is_double_mark(t.str(x.0 - 1)) {
            x.0 - 1
        } else {
            x.0
        }
    };
    found.retain_mut(
        |f| match turns.iter().find(|x| opens(x) <= f.last && f.first <= x.3) {
            None => true,
            Some(x) if opens(x) > f.first => {
                f.last = opens(x) - 1;
                (f.first..=f.last).any(|i| t.str(i).chars().any(char::is_alphanumeric))
            }
            Some(_) => false,
        },
    );
    for (first, last, colon, end) in turns {
        found.push(Found {
            first: colon + 1,
            last: end,
            cue: Some((colon, colon)),
            source: Some((first, last)),
        });
    }
    found.sort_unstable_by_key(|f| f.first);
}

/// Words in a quotation for it to stand as a quote without a cue: shorter
/// quoted phrases are scare quotes, titles and nicknames.
const ORPHAN_MIN_WORDS: usize = 5;

/// Quotations no cue claimed. A long one is still a quote: attributed by a
/// dash line after it ("..." ― Karen Bobadilla), to the speaker of the quote
/// before it in its paragraph, to a speaker named in the next sentence, to
/// the speaker of the next quote in its paragraph, or (when it opens a
/// paragraph) to the speaker of the quote that ends the paragraph before;
/// otherwise it is left out.
fn orphan_quotes(
    t: &Tokens<'_>,
    runs: &[Option<u32>],
    readings: &[Reading],
    found: &mut Vec<Found>,
) {
    let mut i = 0;
    while i < t.len() {
        let Some(run) = runs[i] else {
            i += 1;
            continue;
        };
        let first = i;
        let mut last = i;
        while last + 1 < t.len() && runs[last + 1] == Some(run) {
            last += 1;
        }
        i = last + 1;
        let words = (first..=last)
            .filter(|&k| t.str(k).chars().any(char::is_alphanumeric))
            .count();
        if words < ORPHAN_MIN_WORDS || found.iter().any(|f| f.first <= last && first <= f.last) {
            continue;
        }
        let mut cue = None;
        let mut source = None;
        let dash = last + 1;
        if dash + 1 < t.len()
            && matches!(t.str(dash), "―" | "—" | "–" | "-" | "--")
            && t.tokens[dash + 1].paragraph == t.tokens[last].paragraph
            && t.str(dash + 1)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        {
            let mut end = dash + 1;
            while end + 1 < t.len()
                && end - dash < 6
                && t.tokens[end + 1].paragraph == t.tokens[dash].paragraph
                && t.str(end + 1)
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
            {
                end += 1;
            }
            cue = Some((dash, dash));
            source = Some((dash + 1, end));
        } else {
            let para = t.tokens[first].paragraph;
            let prev = found
                .iter()
                .filter(|f| f.last < first && f.source.is_some())
                .max_by_key(|f| f.last);
            let next_sentence = t.tokens[last].sentence + 1;
            let named_next = readings.iter().find(|r| {
                r.source.is_some()
                    && t.tokens[r.cue.0].sentence == next_sentence
                    && t.tokens[r.cue.0].paragraph == para
            });
            let next = found
                .iter()
                .filter(|f| f.first > last && f.source.is_some())
                .min_by_key(|f| f.first);
            let from = if let Some(p) = prev.filter(|f| t.tokens[f.last].paragraph == para) {
                // "“A,” said X. “B.”"
                Some((p.cue, p.source))
            } else if let Some(r) = named_next {
                // "“A.” X said so."
                Some((Some(r.cue), r.source))
            } else if let Some(n) = next.filter(|f| t.tokens[f.first].paragraph == para) {
                // "“A.” “B,” he said."
                Some((n.cue, n.source))
            } else {
                // A paragraph that goes on with the quote before it.
                prev.filter(|f| t.tokens[f.last].paragraph + 1 == para && t.starts_paragraph(first))
                    .map(|p| (p.cue, p.source))
            };
            if let Some((c, s)) = from {
                cue = c;
                source = s;
            }
        }
        // Who said it is the point: a quotation with no speaker in reach
        // is left out (in PolNeAR these are mostly unattributed slogans,
        // headlines and lyrics).
        if source.is_none() {
            continue;
        }
        found.push(Found {
            first,
            last,
            cue,
            source,
        });
    }
}

/// The quotations of an analysed article; speakers are resolved with the
/// entity layer's person index.
pub(crate) fn extract(a: Analysis<'_>, names: &Names) -> Vec<Quote> {
    let Some(tagger) = tagger() else {
        return Vec::new();
    };
    let (t, words) = a.split();
    let p = prepare(&t, words, &tagger.lexicon);
    let runs = span::quote_runs(&t);
    let cands = candidates(tagger, &t, &p, &runs);
    let mut readings = keep(tagger, &t, &p, cands);
    repair::repair(tagger, &t, &p, &runs, &mut readings);
    assemble(&t, &runs, &readings, names)
}

/// Training data and the trainer, for `cargo xtask train-quotes`.
pub mod training {
    use std::collections::HashMap;

    use super::*;
    use crate::perceptron::Features;

    /// A gold attribution: character (code point) ranges of its parts.
    #[derive(Debug, Clone, Default)]
    pub struct Attribution {
        /// Source spans.
        pub source: Vec<(usize, usize)>,
        /// Cue spans.
        pub cue: Vec<(usize, usize)>,
        /// Content spans.
        pub content: Vec<(usize, usize)>,
    }

    /// An annotated article.
    #[derive(Debug, Clone)]
    pub struct Article {
        /// The raw text the offsets point into.
        pub text: String,
        /// Its attributions.
        pub attributions: Vec<Attribution>,
    }

    /// Tokens whose first char lies in one of `spans`.
    fn tokens_in(t: &Tokens<'_>, spans: &[(usize, usize)]) -> Vec<usize> {
        (0..t.len())
            .filter(|&i| {
                let c = t.tokens[i].start;
                spans.iter().any(|&(s, e)| s <= c && c < e)
            })
            .collect()
    }

    /// Gold cue labels of every token.
    fn cue_labels(t: &Tokens<'_>, article: &Article) -> Vec<usize> {
        let mut out = vec![O; t.len()];
        for a in &article.attributions {
            let toks = tokens_in(t, &a.cue);
            for (k, &i) in toks.iter().enumerate() {
                out[i] = if k > 0 && toks[k - 1] + 1 == i {
                    I_CUE
                } else {
                    B_CUE
                };
            }
        }
        out
    }

    /// Cue words: lowercased words inside gold cues, classed by how often
    /// they are a cue when they occur.
    fn lexicon(articles: &[Article]) -> Vec<(String, u8)> {
        let mut seen: HashMap<String, (u32, u32)> = HashMap::new();
        for a in articles {
            let t = tokenize(&a.text);
            let labels = cue_labels(&t, a);
            for (i, &l) in labels.iter().enumerate() {
                let lower = t.str(i).to_lowercase();
                // Stems too ("~despis"), so that an unseen inflection of a
                // cue word still reads as one.
                let stem = format!("~{}", features::stem(&lower));
                for key in [lower, stem] {
                    let e = seen.entry(key).or_default();
                    e.1 += 1;
                    if l != O {
                        e.0 += 1;
                    }
                }
            }
        }
        let mut out: Vec<(String, u8)> = seen
            .into_iter()
            .filter(|(_, (cue, _))| *cue >= 3)
            .filter_map(|(w, (cue, all))| {
                let r = f64::from(cue) / f64::from(all);
                let class = if r >= 0.5 {
                    1
                } else if r >= 0.2 {
                    2
                } else if r >= 0.05 {
                    3
                } else {
                    return None;
                };
                Some((w, class))
            })
            .collect();
        out.sort();
        out
    }

    /// Features, gold labels and pinned labels of a sequence.
    type Sequence = (Features, Vec<usize>, Vec<Option<usize>>);

    /// Drops features seen fewer than `min` times: they carry noise and
    /// bulk.
    fn prune(data: Vec<Sequence>, min: u32) -> Vec<Sequence> {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for (f, _, _) in &data {
            for &id in f.ids() {
                *counts.entry(id).or_default() += 1;
            }
        }
        let keep = |id: u32| counts.get(&id).is_some_and(|&c| c >= min);
        data.into_iter()
            .map(|(f, g, m)| (f.filtered(&keep), g, m))
            .collect()
    }

    /// What a model is trained with.
    struct Setup<'a> {
        labels: usize,
        allowed: &'a dyn Fn(Option<usize>, usize) -> bool,
        /// A label given exactly where the sequence's mask is set.
        masked_label: Option<usize>,
        seed: u64,
        extra: String,
    }

    fn fit(
        data: &[Sequence],
        setup: Setup<'_>,
        epochs: usize,
        log: &mut dyn FnMut(usize, f64),
    ) -> Vec<u8> {
        let Setup {
            labels,
            allowed,
            masked_label,
            seed,
            extra,
        } = setup;
        let trainers = (0..SEEDS as u64)
            .map(|k| {
                let mut trainer = Trainer::new(labels, allowed);
                passes(
                    &mut trainer,
                    data.len(),
                    (epochs, seed + k),
                    log,
                    &mut |t, k| {
                        let (f, g, m) = &data[k];
                        let pin = Fixed {
                            at: m,
                            reserved: masked_label,
                        };
                        (t.learn(f, g, &pin), g.len())
                    },
                );
                trainer
            })
            .collect();
        Trainer::finish_mean(trainers, extra)
    }

    /// Orders of the data a tagger is trained in; the shipped weights are
    /// the mean of the models.
    const SEEDS: usize = 4;

    /// The trained models, serialised.
    #[derive(Debug, Clone)]
    pub struct Models {
        /// The cue tagger (with its lexicon).
        pub cue: Vec<u8>,
        /// The source and content tagger.
        pub span: Vec<u8>,
        /// The candidate classifier (with its threshold).
        pub filter: Vec<u8>,
    }

    /// Folds for the candidate classifier's training data.
    const FOLDS: usize = 5;

    /// Trains the three models. The cue and span taggers learn from all
    /// of `articles`; the candidate classifier learns from candidates that
    /// taggers trained on the other folds proposed for each fold's
    /// articles. The same articles and epochs always give the same bytes.
    pub fn train(
        articles: &[Article],
        epochs: usize,
        log: &mut dyn FnMut(&str, usize, f64),
    ) -> Models {
        let mut examples = Examples::default();
        for fold in 0..FOLDS {
            let rest: Vec<Article> = articles
                .iter()
                .enumerate()
                .filter(|(k, _)| k % FOLDS != fold)
                .map(|(_, a)| a.clone())
                .collect();
            let (cue, span) = train_taggers(&rest, epochs, &mut |_, _, _| {});
            let tagger = Tagger::new(&cue, &span, None).expect("models just trained");
            for a in articles.iter().skip(fold).step_by(FOLDS) {
                candidate_examples(&tagger, a, &mut examples);
            }
            log("fold", fold, examples.weighed.len() as f64);
        }
        let filter = train_filter(examples, epochs, log);
        let (cue, span) = train_taggers(articles, epochs, log);
        Models { cue, span, filter }
    }

    /// The classifier's examples from one fold.
    #[derive(Default)]
    struct Examples {
        /// Features and label of each candidate the classifier weighs.
        weighed: Vec<(Features, Vec<usize>)>,
        /// Candidates that stand without it, and how many of them hit.
        standing: usize,
        standing_hits: usize,
        /// Gold attributions.
        gold: usize,
    }

    /// The candidates the taggers propose for `article`, labelled as the
    /// scorer would count them: a hit when some content shares a token
    /// with a gold content and the source is that attribution's source
    /// (none where it has none): a kept candidate should have its
    /// speaker right too.
    fn candidate_examples(tagger: &Tagger, article: &Article, out: &mut Examples) {
        let (t, words) = Analysis::new(&article.text).split();
        let p = prepare(&t, words, &tagger.lexicon);
        let runs = span::quote_runs(&t);
        let gold: Vec<(Vec<usize>, Vec<usize>)> = article
            .attributions
            .iter()
            .map(|g| (tokens_in(&t, &g.content), tokens_in(&t, &g.source)))
            .collect();
        out.gold += gold.len();
        let cands = candidates(tagger, &t, &p, &runs);
        let nested = nested_flags(&cands);
        for (c, nested) in cands.iter().zip(nested) {
            let r = &c.reading;
            let shares = |content: &[usize]| {
                content
                    .iter()
                    .any(|&i| r.contents.iter().any(|c| c.0 <= i && i <= c.1))
            };
            let hit = gold.iter().any(|(content, source)| {
                let on_source = match r.source {
                    Some((a, b)) => source.iter().any(|&i| a <= i && i <= b),
                    None => source.is_empty(),
                };
                on_source && shares(content)
            });
            if c.level == 0 {
                if r.contents.is_empty() {
                    continue;
                }
                out.standing += 1;
                out.standing_hits += usize::from(hit);
            } else if c.weighed() {
                let label = if hit { filter::KEEP } else { filter::DROP };
                out.weighed
                    .push((filter::features(&t, &p, c, nested), vec![label]));
            }
        }
    }

    /// Trains the candidate classifier and picks the margin a candidate
    /// needs: the one that gives the best F1 over the training
    /// candidates (those that stand without it included), counting every
    /// gold attribution for recall.
    fn train_filter(
        examples: Examples,
        epochs: usize,
        log: &mut dyn FnMut(&str, usize, f64),
    ) -> Vec<u8> {
        let all = |_: Option<usize>, _: usize| true;
        let trainer = crate::perceptron::fit(
            examples.weighed.clone(),
            filter::LABELS,
            &all,
            3,
            (epochs, 0xf11e),
            &mut |e, acc| log("filter", e, acc),
        );
        let model =
            Model::from_bytes(&trainer.clone().finish(String::new())).expect("model just trained");
        let mut scored: Vec<(f32, bool)> = examples
            .weighed
            .iter()
            .map(|(f, g)| (model.margin(f, filter::KEEP), g[0] == filter::KEEP))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let f1 = |hits: usize, kept: usize| {
            2.0 * (examples.standing_hits + hits) as f64
                / (examples.standing + kept + examples.gold) as f64
        };
        let (mut best, mut threshold, mut hits) = (f1(0, 0), f32::MAX, 0usize);
        for (k, &(m, hit)) in scored.iter().enumerate() {
            hits += usize::from(hit);
            if f1(hits, k + 1) > best {
                best = f1(hits, k + 1);
                let next = scored.get(k + 1).map_or(m - 1.0, |x| x.0);
                threshold = (m + next) / 2.0;
            }
        }
        log("classifier F1 on the folds", 0, best);
        trainer.finish(format!("threshold\t{threshold}\n"))
    }

    /// Trains the cue and span taggers; returns their bytes.
    fn train_taggers(
        articles: &[Article],
        epochs: usize,
        log: &mut dyn FnMut(&str, usize, f64),
    ) -> (Vec<u8>, Vec<u8>) {
        let lex_entries = lexicon(articles);
        let lex = Lexicon::parse(&Lexicon::serialize(&lex_entries));
        let mut cue_data: Vec<Sequence> = Vec::new();
        let mut span_data: Vec<Sequence> = Vec::new();
        for a in articles {
            let (t, words) = Analysis::new(&a.text).split();
            let p = prepare(&t, words, &lex);
            let gold = cue_labels(&t, a);
            for range in paragraphs(&t) {
                let f = features(&t, &p, range.clone());
                cue_data.push((f, gold[range].to_vec(), Vec::new()));
            }
            let runs = span::quote_runs(&t);
            for attr in &a.attributions {
                let cue = tokens_in(&t, &attr.cue);
                let (Some(&cf), Some(&cl)) = (cue.first(), cue.last()) else {
                    continue;
                };
                let range = span::window(&t, cf, cl);
                let mut labels = vec![S_O; range.len()];
                for (spans, b, i) in [
                    (&attr.source, S_B_SRC, S_I_SRC),
                    (&attr.content, S_B_CON, S_I_CON),
                ] {
                    for &sp in spans.iter() {
                        let toks = tokens_in(&t, &[sp]);
                        for (k, &tok) in toks.iter().enumerate() {
                            if range.contains(&tok) {
                                labels[tok - range.start] = if k == 0 { b } else { i };
                            }
                        }
                    }
                }
                let mut mask = vec![None; range.len()];
                for tok in cf..=cl {
                    labels[tok - range.start] = S_CUE;
                    mask[tok - range.start] = Some(S_CUE);
                }
                // Labels must respect the transitions: a piece cut by the
                // window edge or the cue restarts with B-.
                for k in 0..labels.len() {
                    let prev = (k > 0).then(|| labels[k - 1]);
                    if !span::allowed(prev, labels[k]) {
                        labels[k] -= 1;
                    }
                }
                let mut f = Features::default();
                span::features(&mut f, &t, &p, &runs, range, cf, cl);
                span_data.push((f, labels, mask));
            }
        }
        let cue_data = prune(cue_data, 25);
        let span_data = prune(span_data, 25);
        let cue = fit(
            &cue_data,
            Setup {
                labels: LABELS,
                allowed: &allowed,
                masked_label: None,
                seed: 0x5eed,
                extra: Lexicon::serialize(&lex_entries),
            },
            epochs,
            &mut |e, acc| log("cue", e, acc),
        );
        let span = fit(
            &span_data,
            Setup {
                labels: S_LABELS,
                allowed: &span::allowed,
                masked_label: Some(S_CUE),
                seed: 0x5ba2,
                extra: String::new(),
            },
            epochs,
            &mut |e, acc| log("span", e, acc),
        );
        (cue, span)
    }
}
