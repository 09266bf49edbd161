//! Repairs to the readings the classifier keeps, before they are
//! assembled into quotes. Each mends one construction that the taggers,
//! reading token by token, get wrong in a regular way: a participle that
//! opens a sentence, a reporting verb after a comma with no content read,
//! a reporting verb joined by "and" to what another cue reports, a cue
//! set off by commas in the middle of what was said, a content broken by
//! a word or two, and the subject of a passive cue. Each is a
//! [`QuoteRule`] with a switch. They change no model input, so the
//! classifier's training is the same with or without them.

use super::features::Prepared;
use super::reading::{Reading, nominal_tag, phrase_before, raising_verb};
use super::rules::{QuoteRule, QuoteRules};
use super::words::{quoted_share, word_counts};
use crate::text::Tokens;

/// Applies the repairs that are on to the readings of one article, in
/// order.
pub(super) fn repair(t: &Tokens<'_>, p: &Prepared, rules: QuoteRules, readings: &mut Vec<Reading>) {
    let on = |r: QuoteRule| rules.on(r);
    let cues: Vec<(usize, usize)> = readings.iter().map(|r| r.cue).collect();
    for r in readings.iter_mut() {
        if on(QuoteRule::WhenOnly) {
            r.contents.retain(|&(a, b)| !when_only(p, a, b));
        }
        if on(QuoteRule::ParticipleClause) {
            participle_clause(t, p, r);
        }
        if on(QuoteRule::ClauseBefore) {
            clause_before(t, p, r);
        }
        if on(QuoteRule::ThatClause) {
            that_clause(t, p, &cues, r);
        }
    }
    if on(QuoteRule::PollFindings) {
        let findings = poll_findings(t, p, readings);
        readings.extend(findings);
    }
    if on(QuoteRule::SplitCoordinated) {
        split_coordinated(t, p, readings);
    }
    if on(QuoteRule::AcrossCues) {
        complete_across_cues(t, p, readings);
    }
    if on(QuoteRule::JoinPieces) {
        join_pieces(t, readings);
    }
    for r in readings.iter_mut() {
        if on(QuoteRule::PassiveSubject) {
            passive_subject(t, p, r);
        }
        if on(QuoteRule::InvertedSpeaker) {
            inverted_speaker(t, p, r);
        }
        if on(QuoteRule::StrayPieces) {
            stray_pieces(t, p, r);
        }
    }
}

/// Whether tokens `a..=b` only say when ("Saturday", "Monday morning",
/// "a few days later"): the tagger's stray after a cue ("..., the
/// campaign announced Saturday"), never what was said.
fn when_only(p: &Prepared, a: usize, b: usize) -> bool {
    let time = |w: &str| {
        matches!(
            w,
            "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
                | "today"
                | "yesterday"
                | "tonight"
                | "morning"
                | "afternoon"
                | "evening"
                | "night"
                | "week"
                | "weekend"
                | "month"
                | "year"
                | "days"
                | "weeks"
                | "months"
                | "later"
                | "earlier"
                | "ago"
        )
    };
    let filler = |w: &str| {
        matches!(
            w,
            "a" | "the" | "on" | "last" | "this" | "next" | "few" | "late" | "early" | "," | "."
        )
    };
    (a..=b).any(|i| time(&p.lower[i])) && (a..=b).all(|i| time(&p.lower[i]) || filler(&p.lower[i]))
}

/// "Trump said during a Friday evening rally in Michigan that Clinton
/// once described ...": where the tagger read no content for a reporting
/// verb, a "that" clause after it in its sentence, with no other cue
/// between, is what was said.
fn that_clause(t: &Tokens<'_>, p: &Prepared, cues: &[(usize, usize)], r: &mut Reading) {
    let (cf, cl) = r.cue;
    if !r.contents.is_empty() || !(cf..=cl).any(|i| strong_verb(p, i)) {
        return;
    }
    let sentence = t.tokens[cl].sentence;
    let Some(that) = (cl + 1..t.len())
        .take_while(|&i| t.tokens[i].sentence == sentence)
        .take(MAX_THAT_DISTANCE)
        .find(|&i| p.lower[i] == "that")
    else {
        return;
    };
    // "... a film that was ...": a relative "that" opens no clause of
    // its own subject.
    let relative = p
        .pos
        .get(that + 1)
        .is_none_or(|x| x.starts_with("VB") || *x == "MD");
    if relative || cues.iter().any(|c| cl < c.0 && c.0 < that) {
        return;
    }
    let last = last_word(
        t,
        that,
        t.sentences
            .get(sentence as usize)
            .map_or(that, |s| s.end - 1),
    );
    if last > that {
        r.contents.push((that, last));
    }
}

/// The last token from `last` back, but not before `floor`, that holds a
/// letter or digit: a closing mark or full stop is not what was said.
fn last_word(t: &Tokens<'_>, floor: usize, mut last: usize) -> usize {
    while last > floor && !t.str(last).chars().any(char::is_alphanumeric) {
        last -= 1;
    }
    last
}

/// Tokens after a cue within which [`that_clause`] looks for "that".
const MAX_THAT_DISTANCE: usize = 16;

/// "In the previous Washington Post/ABC News national poll, Clinton led
/// Trump by 5 points": a sentence that opens with "In" and a poll, survey
/// or study reports what it found, with "In" for its cue (PolNeAR's
/// reading). Left alone where the sentence has a cue of its own ("In a
/// recent study, three economists found ..."). On PolNeAR train, 17 of
/// the 26 such openings are annotated so, and 15 of the 21 with no other
/// cue.
fn poll_findings(t: &Tokens<'_>, p: &Prepared, readings: &[Reading]) -> Vec<Reading> {
    let mut out = Vec::new();
    for s in &t.sentences {
        let first = s.start;
        if s.len() < 4 || t.str(first) != "In" {
            continue;
        }
        let commas: Vec<usize> = (first + 1..s.end)
            .take(MAX_SOURCE_PHRASE)
            .filter(|&i| t.str(i) == ",")
            .collect();
        // A participle after the first comma still describes the poll
        // ("In the latest poll, conducted in May, Clinton led ...").
        let Some(&comma) = commas
            .iter()
            .find(|&&c| p.pos.get(c + 1).is_none_or(|x| *x != "VBN"))
        else {
            continue;
        };
        let names_poll = (first + 1..comma).any(|i| {
            matches!(
                p.lower[i].as_str(),
                "poll" | "polls" | "survey" | "surveys" | "study" | "studies"
            )
        });
        let has_cue = readings.iter().any(|r| s.contains(&r.cue.0));
        let last = last_word(t, comma, s.end - 1);
        if !names_poll || has_cue || comma < first + 2 || last <= comma + 1 {
            continue;
        }
        out.push(Reading {
            cue: (first, first),
            source: Some((first + 1, comma - 1)),
            tagged_source: false,
            contents: vec![(comma + 1, last)],
            content_cost: 0.0,
            source_cost: 0.0,
            passive: false,
        });
    }
    out
}

/// Tokens up to which an opening "In ..." phrase is read for a poll's name
/// (see [`poll_findings`]).
const MAX_SOURCE_PHRASE: usize = 30;

/// "Citing an unfounded conspiracy theory, Trump accused ...": what a
/// participle opening the sentence reports ends at its comma; the rest is
/// the sentence's own clause.
fn participle_clause(t: &Tokens<'_>, p: &Prepared, r: &mut Reading) {
    let (cf, cl) = r.cue;
    let w = p.lower[cf].as_str();
    if t.sentences_start(cf) != cf || !w.ends_with("ing") || w == "according" {
        return;
    }
    let sentence = t.tokens[cf].sentence;
    for c in &mut r.contents {
        if c.0 <= cl || t.tokens[c.0].sentence != sentence {
            continue;
        }
        if let Some(comma) = (c.0 + 1..c.1).find(|&i| t.str(i) == "," && !t.tokens[i].in_quote) {
            c.1 = comma - 1;
        }
    }
}

/// "The plan will fail, said Brian Baker.": where the tagger read a
/// reporting verb after a comma but no content, the clause before the
/// comma is what was said. Only verbs the lexicon holds as strong cues
/// count.
fn clause_before(t: &Tokens<'_>, p: &Prepared, r: &mut Reading) {
    let (cf, cl) = r.cue;
    if !r.contents.is_empty() || !(cf..=cl).any(|i| strong_verb(p, i)) {
        return;
    }
    let left = r.left();
    let sentence = t.tokens[cf].sentence;
    if left < 2 || t.str(left - 1) != "," || t.tokens[left - 1].sentence != sentence {
        return;
    }
    let first = t.sentences_start(left);
    let last = left - 2;
    let (words, quoted) = if first <= last {
        word_counts(t, first, last)
    } else {
        (0, 0)
    };
    if words >= 3 && quoted == 0 {
        r.contents.push((first, last));
    }
}

/// Whether token `i` is a verb the lexicon holds as a strong cue.
fn strong_verb(p: &Prepared, i: usize) -> bool {
    matches!(p.cue[i], 1 | 2) && p.pos[i].starts_with("VB")
}

/// Words that join a second clause to a first ("... and said", "... but
/// he said", "... though she noted").
fn conjunction(w: &str) -> bool {
    matches!(w, "and" | "but" | "though" | "although" | "while")
}

/// "Machado promised to continue supporting Clinton and said she would
/// stand up to the attacks": a cue joined by a [`conjunction`] to what
/// another cue reports is an attribution of its own, not part of the
/// other's content (PolNeAR never nests one attribution in another). The
/// other's content ends before the "and". The joined cue's speaker, if it
/// has none, is that of the cue before it in the sentence: the two verbs
/// share a subject.
fn split_coordinated(t: &Tokens<'_>, p: &Prepared, readings: &mut [Reading]) {
    for k in 0..readings.len() {
        let r = &readings[k];
        let (cf, _) = r.cue;
        // The cue's first word with the adverbs before it ("and then
        // said"), and before that its speaker, if it stands right there
        // ("but he said").
        let mut left = cf;
        while left > 0 && p.pos[left - 1] == "RB" && left + 3 > cf {
            left -= 1;
        }
        if let Some((a, b)) = r.source
            && b + 1 == left
        {
            left = a;
        }
        // A quotation after the joined cue stays in the other's content
        // ("... but said “the question is the timing.”").
        let quotes = r.contents.iter().any(|c| quoted_share(t, c.0, c.1) >= 0.8);
        if quotes || left < 2 || !conjunction(&p.lower[left - 1]) {
            continue;
        }
        let conj = left - 1;
        let mut end = conj - 1;
        while end > 0 && t.str(end) == "," {
            end -= 1;
        }
        // The speaker of the nearest cue before, in the sentence or
        // holding the joined cue.
        let mut shared: Option<(usize, (usize, usize))> = None;
        for o in readings.iter_mut().filter(|o| o.cue.1 < conj) {
            let mut holds = false;
            for c in &mut o.contents {
                if c.0 < conj && cf <= c.1 {
                    c.1 = end;
                    holds = true;
                }
            }
            o.contents.retain(|c| c.0 <= c.1);
            let near = holds || t.tokens[o.cue.1].sentence == t.tokens[cf].sentence;
            if let Some(s) = o.source
                && near
                && shared.is_none_or(|(at, _)| at < o.cue.1)
            {
                shared = Some((o.cue.1, s));
            }
        }
        let r = &mut readings[k];
        if r.source.is_none() {
            r.source = shared.map(|(_, s)| s);
        }
    }
}

/// A cue set off by commas inside what was said ("These employees, Stumpf
/// explained, were well-paid"; "The museum, Mr. Bush said, celebrated
/// several of his heroes"): the sentence on both sides of it is content.
/// Where the tagger read only one side, the other is added:
/// - before the cue, the words from the start of the sentence, where the
///   content after the cue opens with a finite verb and so lacks its
///   subject (on PolNeAR train, 68 of 71 such subjects are content);
/// - after the cue, the rest of the sentence, where the content before it
///   runs up to the cue's comma (6 of 7 on dev; where the sentence ends at
///   the cue, "X, he said.", nothing follows to add).
///
/// Nothing is added over another cue: that one reads its own content.
fn complete_across_cues(t: &Tokens<'_>, p: &Prepared, readings: &mut [Reading]) {
    let cues: Vec<(usize, usize)> = readings.iter().map(|r| r.cue).collect();
    let free = |(first, last): (usize, usize)| cues.iter().all(|c| c.1 < first || last < c.0);
    for r in readings {
        if let Some((piece, at_start)) = across_cue(t, p, r)
            && free(piece)
        {
            if at_start {
                r.contents.insert(0, piece);
            } else {
                r.contents.push(piece);
            }
        }
    }
}

/// The piece [`complete_across_cues`] adds to one reading, and whether it
/// comes before the cue.
fn across_cue(t: &Tokens<'_>, p: &Prepared, r: &Reading) -> Option<((usize, usize), bool)> {
    let (cf, cl) = r.cue;
    let sentence = t.tokens[cf].sentence;
    let source = r.source;
    let in_source = |i: usize| source.is_some_and(|(a, b)| a <= i && i <= b);
    let left = r.left();
    if left < 2 || t.str(left - 1) != "," || t.tokens[left - 1].sentence != sentence {
        return None;
    }
    // The comma that closes the aside after the cue.
    let comma = (cl + 1..t.len())
        .take_while(|&i| t.tokens[i].sentence == sentence)
        .filter(|&i| !in_source(i))
        .take(MAX_ASIDE + 1)
        .find(|&i| t.str(i) == ",")?;
    let before = r.contents.iter().any(|c| c.1 < cf);
    let after = r.contents.iter().any(|c| c.0 > cl);
    if after && !before {
        let opens_with_verb = r
            .contents
            .iter()
            .any(|&(a, _)| a == comma + 1 && finite(p, a));
        let first = t.sentences_start(left);
        let last = left - 2;
        (opens_with_verb
            && first <= last
            && last - first < MAX_SUBJECT
            && word_counts(t, first, last).0 > 0)
            .then_some(((first, last), true))
    } else if before && !after {
        let reaches_cue = r.contents.iter().any(|c| c.1 + 2 >= left && c.1 < left);
        let last = last_word(
            t,
            comma + 1,
            t.sentences
                .get(sentence as usize)
                .map_or(comma, |s| s.end - 1),
        );
        (reaches_cue && last > comma && word_counts(t, comma + 1, last).0 > 0)
            .then_some(((comma + 1, last), false))
    } else {
        None
    }
}

/// Pieces of one reading's content a few words apart in one sentence, with
/// no cue or speaker between them, are one content ("the words “Hillary
/// Clinton.”", "a “serial philanderer,” a “bully” and a “narcissist ...”"):
/// the tagger left out a word or two of it.
fn join_pieces(t: &Tokens<'_>, readings: &mut [Reading]) {
    let marks: Vec<(usize, usize)> = readings
        .iter()
        .flat_map(|r| std::iter::once(r.cue).chain(r.source))
        .collect();
    for r in readings {
        r.contents.sort_unstable();
        let mut joined: Vec<(usize, usize)> = Vec::with_capacity(r.contents.len());
        for &c in &r.contents {
            match joined.last_mut() {
                Some(prev)
                    if c.0 > prev.1
                        && c.0 - prev.1 <= MAX_JOIN_GAP
                        && t.tokens[prev.1].sentence == t.tokens[c.0].sentence
                        && marks.iter().all(|m| m.1 <= prev.1 || c.0 <= m.0) =>
                {
                    // A word or two before a quotation is whom or what it
                    // was said to or of ("asking her, “...”", "says of
                    // Clinton, “...”"), not part of it; longer words
                    // around a quotation stay apart from it.
                    let (words, quoted) = word_counts(t, prev.0, prev.1);
                    let direct = |c: (usize, usize)| quoted_share(t, c.0, c.1) >= 0.8;
                    if quoted == 0 && words <= 2 && direct(c) {
                        *prev = c;
                    } else if direct(*prev) == direct(c) {
                        prev.1 = c.1;
                    } else {
                        joined.push(c);
                    }
                }
                _ => joined.push(c),
            }
        }
        r.contents = joined;
    }
}

/// Tokens between two pieces of content up to which they are joined (see
/// [`join_pieces`]), counting the first piece's last token.
const MAX_JOIN_GAP: usize = 4;

/// Whether token `i` is a finite auxiliary or modal verb.
fn finite(p: &Prepared, i: usize) -> bool {
    matches!(
        p.lower[i].as_str(),
        "is" | "was"
            | "were"
            | "are"
            | "has"
            | "have"
            | "had"
            | "would"
            | "will"
            | "could"
            | "should"
            | "can"
            | "may"
            | "might"
            | "must"
            | "does"
            | "did"
            | "do"
    )
}

/// Tokens besides the speaker that may stand between the cue and its
/// closing comma ("Stumpf explained earlier in the hearing,").
const MAX_ASIDE: usize = 8;

/// Tokens up to which a sentence's opening words are taken for the subject
/// of what follows a cue (see [`complete_across_cues`]).
const MAX_SUBJECT: usize = 30;

/// "Officer Betty Shelby was charged with ...", "Melania seems to have
/// vanished ...": the subject of a passive or raising cue is part of what
/// is reported, not its speaker. Where the tagger left it out, it is added
/// as a piece of the content (and is no longer the speaker). On PolNeAR
/// train, 490 of 610 such cues have content before them.
fn passive_subject(t: &Tokens<'_>, p: &Prepared, r: &mut Reading) {
    let (cf, cl) = r.cue;
    if !r.passive
        || r.contents.iter().any(|c| c.1 < cf)
        || (cf..=cl).any(|i| addressing(&p.lower[i]))
    {
        return;
    }
    let nominal = |i: usize| nominal_tag(p.pos[i]) && !t.tokens[i].in_quote;
    let Some(np) = phrase_before(t, p, cf, &nominal) else {
        return;
    };
    // "It seems that ...": an empty subject is neither what is talked
    // about nor the one talking.
    if raising_verb(&p.lower[cl]) && np.0 == np.1 && p.lower[np.0] == "it" {
        if r.source == Some(np) {
            r.source = None;
        }
        return;
    }
    if r.source.is_some_and(|(a, b)| a <= np.1 && np.0 <= b) {
        r.source = None;
    }
    r.contents.insert(0, np);
}

/// Pieces that tell the scene, not what was said:
/// - beside a quotation, words after the cue that open with a preposition
///   or a subordinating word, or follow a cue that ends in one or in a
///   verb of telling, unless they open inside quotation marks ("“...,”
///   Mr. Obama said at the gala dinner", "said on CNN's “Face the Nation”", "she
///   yells while moving along the street", "said of Mr. Cruz", "told Sean
///   Hannity earlier this month");
/// - after a whole clause reported before the cue, words with no finite
///   verb trailing the cue ("Sales were great, he said, wiping sweat off
///   his face").
///
/// A reported clause ("that ...", "to" and a verb) stays.
fn stray_pieces(t: &Tokens<'_>, p: &Prepared, r: &mut Reading) {
    if r.contents.len() < 2 {
        return;
    }
    let direct = r.contents.iter().any(|c| quoted_share(t, c.0, c.1) >= 0.8);
    let (cf, cl) = r.cue;
    let left = r.left();
    let reported_before = r
        .contents
        .iter()
        .any(|&(a, b)| b < cf && b + 3 >= left && (a..=b).any(|i| finite_verb(p, i)));
    r.contents.retain(|&(a, b)| {
        let unquoted = quoted_share(t, a, b) == 0.0;
        let verbless = !(a..=b).any(|i| finite_verb(p, i));
        // The preposition may end the cue ("said of Mr. Cruz", "said at
        // his victory party"); a verb of telling has whom it addressed
        // after it ("told Sean Hannity earlier this month").
        let opens = matches!(p.pos[a], "IN" | "TO")
            || (a == cl + 1 && matches!(p.pos[cl], "IN" | "TO") && p.lower[cl] != "that")
            || (a == cl + 1 && addressing(&p.lower[cl]) && !(a..=b).any(|i| finite_verb(p, i)));
        // Opening outside quotation marks: a title may follow the
        // preposition ("said on CNN's “State of the Union.”").
        let circumstance = direct && a > cl && !t.tokens[a].in_quote && opens && !clause(p, a);
        let trailing = reported_before && a > cl && unquoted && !clause(p, a) && verbless;
        !circumstance && !trailing
    });
}

/// "“...,” said the man who built his career on ...", "“...,” read the
/// statement": with a quotation before the cue and no speaker found, a
/// noun phrase right after the cue is who (or what) spoke, not more of
/// what was said.
fn inverted_speaker(t: &Tokens<'_>, p: &Prepared, r: &mut Reading) {
    let (cf, cl) = r.cue;
    let quoted_before = r
        .contents
        .iter()
        .any(|c| c.1 < cf && quoted_share(t, c.0, c.1) >= 0.8);
    if r.source.is_some() || !quoted_before {
        return;
    }
    let Some(k) = r.contents.iter().position(|&(a, b)| {
        a == cl + 1
            && quoted_share(t, a, b) == 0.0
            && matches!(p.pos[a], "DT" | "NNP" | "NNPS" | "PRP$")
            && !(a..=b).any(|i| finite_verb(p, i))
    }) else {
        return;
    };
    r.source = Some(r.contents.remove(k));
}

/// Whether token `i` is a finite verb.
fn finite_verb(p: &Prepared, i: usize) -> bool {
    matches!(p.pos[i], "VBD" | "VBZ" | "VBP" | "MD")
}

/// Verbs whose object is the one addressed, in any form ("told the
/// crowd", "asked if ...", "the actress was asked if ...", "Trump was
/// pressed on ..."): in the passive, the subject is spoken to, not
/// spoken of.
fn addressing(w: &str) -> bool {
    let stem = super::features::stem(w);
    matches!(
        stem,
        "ask"
            | "tell"
            | "told"
            | "urg"
            | "inform"
            | "warn"
            | "advis"
            | "remind"
            | "assur"
            | "instruct"
            | "order"
            | "invit"
            | "encourag"
            | "press"
            | "question"
            | "interview"
    )
}

/// Whether words from token `a` open a reported clause: with a
/// complementiser or an infinitive.
fn clause(p: &Prepared, a: usize) -> bool {
    matches!(
        p.lower[a].as_str(),
        "that" | "whether" | "if" | "because" | "what" | "how" | "why" | "who" | "where"
    ) || (p.lower[a] == "to" && p.pos.get(a + 1).is_some_and(|x| x.starts_with("VB")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::quotes::features::prepare;
    use crate::quotes::tagger;

    /// An analysed text and a way to find a token by its word (the `n`th
    /// time it occurs).
    fn analysed(text: &str) -> (Tokens<'_>, Prepared) {
        let (t, words) = Analysis::new(text).split();
        let p = prepare(&t, words, &tagger().expect("models").lexicon);
        (t, p)
    }

    fn at(t: &Tokens<'_>, word: &str, n: usize) -> usize {
        (0..t.len())
            .filter(|&i| t.str(i) == word)
            .nth(n)
            .unwrap_or_else(|| panic!("no {word:?} #{n}"))
    }

    fn reading(
        cue: (usize, usize),
        source: Option<(usize, usize)>,
        contents: Vec<(usize, usize)>,
    ) -> Reading {
        Reading {
            cue,
            source,
            tagged_source: source.is_some(),
            contents,
            content_cost: 0.0,
            source_cost: 0.0,
            passive: false,
        }
    }

    fn texts(t: &Tokens<'_>, r: &Reading) -> Vec<String> {
        r.contents
            .iter()
            .map(|&(a, b)| t.text[t.tokens[a].byte_start..t.tokens[b].byte_end].to_owned())
            .collect()
    }

    /// The pieces of one reading of `cue` (spoken by the first word) after
    /// [`join_pieces`], the pieces given as token ranges of `text`.
    fn joined(
        text: &str,
        cue: &str,
        pieces: impl Fn(&Tokens<'_>) -> Vec<(usize, usize)>,
    ) -> Vec<String> {
        let (t, _) = analysed(text);
        let c = at(&t, cue, 0);
        let mut rs = vec![reading((c, c), Some((0, 0)), pieces(&t))];
        join_pieces(&t, &mut rs);
        texts(&t, &rs[0])
    }

    #[test]
    fn pieces_a_word_apart_are_joined_but_not_across_a_cue() {
        let text = "He said the plan was bold and, frankly, risky for everyone.";
        let pieces = |t: &Tokens<'_>| {
            vec![
                (at(t, "the", 0), at(t, "and", 0)),
                (at(t, "frankly", 0), at(t, "everyone", 0)),
            ]
        };
        assert_eq!(
            joined(text, "said", pieces),
            ["the plan was bold and, frankly, risky for everyone"]
        );
        // A cue between two pieces keeps them apart.
        let text = "The plan is bold, she said, and risky.";
        let pieces =
            |t: &Tokens<'_>| vec![(0, at(t, "bold", 0)), (at(t, "and", 0), at(t, "risky", 0))];
        assert_eq!(
            joined(text, "said", pieces),
            ["The plan is bold", "and risky"]
        );
    }

    #[test]
    fn a_quotation_stays_apart_and_sheds_a_word_before_it() {
        let text = "She kept asking her, “Where do we go from here?”";
        let pieces = |t: &Tokens<'_>| {
            vec![
                (at(t, "her", 0), at(t, "her", 0)),
                (at(t, "“", 0), t.len() - 1),
            ]
        };
        assert_eq!(
            joined(text, "asking", pieces),
            ["“Where do we go from here?”"]
        );
        let text = "He said the plan would fail for many reasons, “and soon.”";
        let pieces = |t: &Tokens<'_>| {
            vec![
                (at(t, "the", 0), at(t, "reasons", 0)),
                (at(t, "“", 0), t.len() - 1),
            ]
        };
        assert_eq!(
            joined(text, "said", pieces),
            ["the plan would fail for many reasons", "“and soon.”"]
        );
    }

    #[test]
    fn a_cue_joined_by_and_splits_the_content_and_shares_the_speaker() {
        let text = "Merrill says Machado kept her word and said she would fight on.";
        let (t, p) = analysed(text);
        let (says, said) = (at(&t, "says", 0), at(&t, "said", 0));
        let mut rs = vec![
            reading((says, says), Some((0, 0)), vec![(says + 1, t.len() - 2)]),
            reading((said, said), None, vec![(said + 1, t.len() - 2)]),
        ];
        split_coordinated(&t, &p, &mut rs);
        assert_eq!(texts(&t, &rs[0]), ["Machado kept her word"]);
        assert_eq!(rs[1].source, Some((0, 0)));
    }

    /// The pieces of the reading of "said" in `text` after
    /// [`complete_across_cues`]: its speaker runs from word `speaker` to
    /// the cue, its one piece is `piece` (first and last word).
    fn completed(text: &str, speaker: &str, piece: (&str, &str)) -> Vec<String> {
        let (t, p) = analysed(text);
        let said = at(&t, "said", 0);
        let piece = (at(&t, piece.0, 0), at(&t, piece.1, 0));
        let mut rs = vec![reading(
            (said, said),
            Some((at(&t, speaker, 0), said - 1)),
            vec![piece],
        )];
        complete_across_cues(&t, &p, &mut rs);
        texts(&t, &rs[0])
    }

    #[test]
    fn a_cue_between_commas_completes_both_sides() {
        assert_eq!(
            completed(
                "These employees, Stumpf said, were well paid.",
                "Stumpf",
                ("were", "paid")
            ),
            ["These employees", "were well paid"]
        );
        assert_eq!(
            completed(
                "The museum, Mr. Bush said, celebrated his heroes.",
                "Mr.",
                ("The", "museum")
            ),
            ["The museum", "celebrated his heroes"]
        );
        // A text that ends at the comma after the cue has nothing to add.
        assert_eq!(
            completed(
                "The museum is great, Mr. Bush said,",
                "Mr.",
                ("The", "great")
            ),
            ["The museum is great"]
        );
        // "X, he said." has nothing after the cue to add.
        assert_eq!(
            completed(
                "The museum is a triumph, he said.",
                "he",
                ("The", "triumph")
            ),
            ["The museum is a triumph"]
        );
    }

    #[test]
    fn an_opening_participle_reports_up_to_its_comma() {
        let text = "Citing a conspiracy theory, Trump accused Rafael Cruz of lying.";
        let (t, p) = analysed(text);
        let mut r = reading((0, 0), None, vec![(1, t.len() - 2)]);
        participle_clause(&t, &p, &mut r);
        assert_eq!(texts(&t, &r), ["a conspiracy theory"]);

        // Not so for "According to".
        let text = "According to the poll, voters are split.";
        let (t, p) = analysed(text);
        let to = at(&t, "to", 0);
        let mut r = reading((0, to), None, vec![(to + 1, t.len() - 2)]);
        participle_clause(&t, &p, &mut r);
        assert_eq!(texts(&t, &r), ["the poll, voters are split"]);
    }

    #[test]
    fn a_cue_after_a_comma_with_no_content_takes_the_clause_before() {
        let text = "The plan will fail, said Brian Baker.";
        let (t, p) = analysed(text);
        let said = at(&t, "said", 0);
        let mut r = reading((said, said), Some((said + 1, said + 2)), Vec::new());
        clause_before(&t, &p, &mut r);
        assert_eq!(texts(&t, &r), ["The plan will fail"]);

        // Not after a quotation (that is read as one), nor where a content
        // was read.
        let text = "“The plan will fail,” said Brian Baker.";
        let (t, p) = analysed(text);
        let said = at(&t, "said", 0);
        let mut r = reading((said, said), Some((said + 1, said + 2)), Vec::new());
        clause_before(&t, &p, &mut r);
        assert!(r.contents.is_empty());
        let text = "The plan will fail, said Brian Baker, and soon.";
        let (t, p) = analysed(text);
        let said = at(&t, "said", 0);
        let soon = at(&t, "soon", 0);
        let mut r = reading((said, said), None, vec![(soon, soon)]);
        clause_before(&t, &p, &mut r);
        assert_eq!(texts(&t, &r), ["soon"]);
    }

    #[test]
    fn the_subject_of_a_passive_cue_is_content() {
        let text = "Officer Betty Shelby was charged with manslaughter.";
        let (t, p) = analysed(text);
        let (was, with) = (at(&t, "was", 0), at(&t, "with", 0));
        let mut r = reading((was, with), None, vec![(with + 1, with + 1)]);
        r.passive = true;
        passive_subject(&t, &p, &mut r);
        assert_eq!(texts(&t, &r), ["Officer Betty Shelby", "manslaughter"]);
        assert_eq!(r.source, None);
    }

    #[test]
    fn a_passive_subject_is_not_content_when_addressed_or_empty() {
        // "was asked": the subject is spoken to.
        let text = "The actress was asked if she had been discriminated against.";
        let (t, p) = analysed(text);
        let (was, asked) = (at(&t, "was", 0), at(&t, "asked", 0));
        let mut r = reading((was, asked), None, vec![(asked + 1, t.len() - 2)]);
        r.passive = true;
        passive_subject(&t, &p, &mut r);
        assert_eq!(texts(&t, &r), ["if she had been discriminated against"]);
        // "It seems": an empty subject is neither content nor speaker.
        let text = "It seems that the plan failed.";
        let (t, p) = analysed(text);
        let seems = at(&t, "seems", 0);
        let mut r = reading((seems, seems), Some((0, 0)), vec![(seems + 1, t.len() - 2)]);
        r.passive = true;
        passive_subject(&t, &p, &mut r);
        assert_eq!(texts(&t, &r), ["that the plan failed"]);
        assert_eq!(r.source, None);
    }

    /// The pieces of the reading of `cue` (its speaker the first word)
    /// after [`stray_pieces`].
    fn strayed(text: &str, cue: &str, pieces: &[(&str, &str)]) -> Vec<String> {
        let (t, p) = analysed(text);
        let c = at(&t, cue, 0);
        let pieces = pieces
            .iter()
            .map(|&(a, b)| {
                let a = at(&t, a, 0);
                (a, (a..t.len()).find(|&i| t.str(i) == b).expect("piece end"))
            })
            .collect();
        let mut r = reading((c, c), Some((c - 1, c - 1)), pieces);
        stray_pieces(&t, &p, &mut r);
        texts(&t, &r)
    }

    #[test]
    fn where_and_to_whom_a_quotation_was_said_is_not_content() {
        let text = "“We will win,” Obama said at the gala dinner in Washington.";
        assert_eq!(
            strayed(text, "said", &[("“", "”"), ("at", "Washington")]),
            ["“We will win,”"]
        );
        let text = "“We will win,” Carter told the security forum in Singapore.";
        assert_eq!(
            strayed(text, "told", &[("“", "”"), ("the", "Singapore")]),
            ["“We will win,”"]
        );
        // A reported clause stays ("that ...", "to ..." with a verb).
        let text = "“We will win,” Obama said, that the country is ready.";
        assert_eq!(
            strayed(text, "said", &[("“", "”"), ("that", "ready")]),
            ["“We will win,”", "that the country is ready"]
        );
    }

    #[test]
    fn what_trails_a_cue_after_a_reported_clause_describes_the_scene() {
        let text = "Sales were great, Jones said, wiping sweat off his face.";
        assert_eq!(
            strayed(text, "said", &[("Sales", "great"), ("wiping", "face")]),
            ["Sales were great"]
        );
        // A clause after the cue is reported too.
        let text = "Sales were great, Jones said, and profits will rise.";
        assert_eq!(
            strayed(text, "said", &[("Sales", "great"), ("and", "rise")]),
            ["Sales were great", "and profits will rise"]
        );
    }

    #[test]
    fn a_noun_phrase_after_the_cue_of_a_quotation_is_its_speaker() {
        let text = "“We are ready,” read the statement.";
        let (t, p) = analysed(text);
        let read = at(&t, "read", 0);
        let the = at(&t, "the", 0);
        let mut r = reading((read, read), None, vec![(0, read - 1), (the, the + 1)]);
        inverted_speaker(&t, &p, &mut r);
        assert_eq!(r.source, Some((the, the + 1)));
        assert_eq!(r.contents.len(), 1);
    }

    #[test]
    fn a_poll_opening_a_sentence_reports_what_it_found() {
        let text = "In the latest national poll, conducted in May, Clinton led Trump by 5 points. \
                    In the morning, voters lined up.";
        let (t, p) = analysed(text);
        let found = poll_findings(&t, &p, &[]);
        assert_eq!(found.len(), 1);
        let r = &found[0];
        assert_eq!(t.str(r.cue.0), "In");
        let s = r.source.expect("the poll");
        let source = &t.text[t.tokens[s.0].byte_start..t.tokens[s.1].byte_end];
        assert_eq!(source, "the latest national poll, conducted in May");
        assert_eq!(texts(&t, r), ["Clinton led Trump by 5 points"]);
        // Not where the sentence has a cue of its own.
        let text = "In a recent study, three economists found that trade hurt.";
        let (t, p) = analysed(text);
        let found = at(&t, "found", 0);
        let own = [reading((found, found), None, Vec::new())];
        assert!(poll_findings(&t, &p, &own).is_empty());
    }

    #[test]
    fn a_cue_with_no_content_takes_a_that_clause() {
        let text = "Trump said during a rally in Michigan that Clinton had praised the deal.";
        let (t, p) = analysed(text);
        let said = at(&t, "said", 0);
        let mut r = reading((said, said), Some((0, 0)), Vec::new());
        that_clause(&t, &p, &[(said, said)], &mut r);
        assert_eq!(texts(&t, &r), ["that Clinton had praised the deal"]);
        // A relative "that" opens no reported clause.
        let text = "She said nothing about the film that was shown.";
        let (t, p) = analysed(text);
        let said = at(&t, "said", 0);
        let mut r = reading((said, said), Some((0, 0)), Vec::new());
        that_clause(&t, &p, &[(said, said)], &mut r);
        assert!(r.contents.is_empty());
    }

    #[test]
    fn a_piece_that_only_says_when_is_dropped() {
        let text = "The plan will fail, the campaign announced Saturday morning.";
        let (t, p) = analysed(text);
        let sat = at(&t, "Saturday", 0);
        assert!(when_only(&p, sat, sat + 1));
        let plan = at(&t, "plan", 0);
        assert!(!when_only(&p, plan, plan + 2));
    }
}
