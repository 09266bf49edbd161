//! Answers of bounded size, whatever the articles hold.
//!
//! A hit carries its article's title and url: an article with a 1 MB title
//! and 500 quotes made a 525 MB answer of a thousand hits. Every string
//! field of a hit is cut to a documented number of characters (the hit then
//! says `"truncated": true`; the full text is in `/api/articles/{id}`), and
//! a page stops adding hits before [`MAX_ANSWER_BYTES`] (it then says
//! `"cut": true`, and `next_offset` goes on from the first hit left out).

use onrecord_index::{Hit, MAX_OFFSET, Results, Speaker};
use serde::Serialize;

/// Most characters of a quote's content in an answer.
pub const MAX_CONTENT_CHARS: usize = 2_000;
/// Most characters of a url in an answer.
pub const MAX_URL_CHARS: usize = 2_000;
/// Most characters of a title in an answer.
pub const MAX_TITLE_CHARS: usize = 500;
/// Most characters of any other string (speaker, cue, outlet, id, date).
pub const MAX_FIELD_CHARS: usize = 300;
/// Most bytes of a page of quotes or speakers.
pub const MAX_ANSWER_BYTES: usize = 4 << 20;

/// Cuts `s` to `max` characters; whether it did.
fn cut(s: &mut String, max: usize) -> bool {
    match s.char_indices().nth(max) {
        Some((at, _)) => {
            s.truncate(at);
            true
        }
        None => false,
    }
}

fn cut_opt(s: &mut Option<String>, max: usize) -> bool {
    s.as_mut().is_some_and(|s| cut(s, max))
}

/// A hit as served: its fields cut, and whether any was.
#[derive(Serialize)]
pub(crate) struct ServedHit {
    #[serde(flatten)]
    hit: Hit,
    truncated: bool,
}

impl ServedHit {
    pub(crate) fn new(mut hit: Hit) -> ServedHit {
        let a = &mut hit.article;
        let cuts = [
            cut(&mut hit.content, MAX_CONTENT_CHARS),
            cut(&mut hit.kind, MAX_FIELD_CHARS),
            cut_opt(&mut hit.speaker_name, MAX_FIELD_CHARS),
            cut_opt(&mut hit.cue, MAX_FIELD_CHARS),
            cut(&mut a.id, MAX_FIELD_CHARS),
            cut_opt(&mut a.url, MAX_URL_CHARS),
            cut_opt(&mut a.title, MAX_TITLE_CHARS),
            cut_opt(&mut a.date, MAX_FIELD_CHARS),
            cut_opt(&mut a.site, MAX_FIELD_CHARS),
        ];
        ServedHit {
            hit,
            truncated: cuts.contains(&true),
        }
    }
}

/// A speaker as served: name and key cut.
#[derive(Serialize)]
pub(crate) struct ServedSpeaker {
    #[serde(flatten)]
    speaker: Speaker,
    truncated: bool,
}

impl ServedSpeaker {
    pub(crate) fn new(mut speaker: Speaker) -> ServedSpeaker {
        let cuts = [
            cut(&mut speaker.name, MAX_FIELD_CHARS),
            cut(&mut speaker.key, MAX_FIELD_CHARS),
        ];
        ServedSpeaker {
            speaker,
            truncated: cuts.contains(&true),
        }
    }
}

/// Items serialised one by one until the next would pass
/// [`MAX_ANSWER_BYTES`]; the JSON array and whether items were left out.
pub(crate) fn array<T: Serialize>(items: impl IntoIterator<Item = T>) -> (Vec<u8>, usize, bool) {
    let mut out = Vec::from(*b"[");
    let mut n = 0usize;
    for item in items {
        let Ok(json) = serde_json::to_vec(&item) else {
            continue;
        };
        if out.len() + json.len() + 2 > MAX_ANSWER_BYTES {
            out.push(b']');
            return (out, n, true);
        }
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&json);
        n += 1;
    }
    out.push(b']');
    (out, n, false)
}

/// A page of quotes as JSON: `{total, offset, next_offset, cut, quotes}`.
pub(crate) fn quotes_page(results: Results, offset: usize) -> Vec<u8> {
    let (quotes, shown, cut) = array(results.quotes.into_iter().map(ServedHit::new));
    let next = offset + shown;
    let next_offset = (next < results.total && next <= MAX_OFFSET && shown > 0).then_some(next);
    let head = serde_json::json!({
        "total": results.total,
        "offset": offset,
        "next_offset": next_offset,
        "cut": cut,
    })
    .to_string();
    // `{...,"quotes":[...]}` from the head object and the array.
    let mut out = Vec::with_capacity(head.len() + quotes.len() + 12);
    out.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    out.extend_from_slice(b",\"quotes\":");
    out.extend_from_slice(&quotes);
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn cut_keeps_whole_characters() {
        let mut s = "né".repeat(5);
        assert!(cut(&mut s, 3));
        assert_eq!(s, "nén");
        let mut short = "abc".to_owned();
        assert!(!cut(&mut short, 3));
        assert_eq!(short, "abc");
    }

    #[test]
    fn an_array_stops_before_the_byte_cap() {
        let big = "x".repeat(MAX_ANSWER_BYTES / 3);
        let (json, n, cut) = array(vec![big.clone(), big.clone(), big.clone(), big]);
        assert!(cut);
        assert_eq!(n, 2);
        assert!(json.len() <= MAX_ANSWER_BYTES);
        let back: Vec<String> = serde_json::from_slice(&json).unwrap();
        assert_eq!(back.len(), 2);
    }
}
