//! Multi-member gzip that goes on after a corrupt member.
//!
//! WARC files are gzipped one record per member (Common Crawl's are), so a
//! damaged member loses one record, not the rest of a 1 GB file. flate2's
//! `MultiGzDecoder` stops at the first error; this reader reports the error
//! once (as [`CorruptMember`]) and then scans the compressed bytes for the
//! next member header and decodes on from there. Written here because no
//! gzip crate offers recovery; the decoding itself is flate2's.

use std::io::{BufRead, Read};

use flate2::bufread::GzDecoder;

use crate::source::Counting;

/// The gzip member header: magic and the deflate method.
const MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The error a damaged member gives; reading may go on after it.
#[derive(Debug)]
pub(crate) struct CorruptMember {
    /// Compressed bytes read when it was found.
    pub(crate) at: u64,
    message: String,
}

impl std::fmt::Display for CorruptMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "corrupt gzip member near compressed byte {}: {}; reading goes on at the next member",
            self.at, self.message
        )
    }
}

impl std::error::Error for CorruptMember {}

/// Whether `e` came from a damaged member that reading got past.
pub(crate) fn is_recoverable(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<CorruptMember>())
}

enum State<R> {
    /// Decoding a member that starts at this compressed byte.
    Member(Box<GzDecoder<Counting<R>>>, u64),
    /// Between members (or after an error: looking for the next one).
    Between(Counting<R>, bool),
    /// The end, or an error that cannot be read past.
    Done,
}

/// Reads every member of a gzip stream, skipping damaged ones.
pub(crate) struct ResyncGz<R> {
    state: State<R>,
}

impl<R: BufRead> ResyncGz<R> {
    pub(crate) fn new(inner: R) -> Self {
        ResyncGz {
            state: State::Between(Counting::new(inner), false),
        }
    }
}

/// Whether `head` starts like a member header (as far as it goes).
fn looks_like_member(head: &[u8]) -> bool {
    let n = head.len().min(MAGIC.len());
    n > 0 && head[..n] == MAGIC[..n]
}

/// Consumes bytes up to the next member header; whether one was found.
/// A header cut by the buffer's end counts as found: the decoder checks
/// it, and a false one is one more error past which reading goes on.
fn seek_member<R: BufRead>(input: &mut Counting<R>) -> std::io::Result<bool> {
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        match memchr::memchr(MAGIC[0], buf) {
            Some(i) if looks_like_member(&buf[i..]) => {
                input.consume(i);
                return Ok(true);
            }
            Some(i) => input.consume(i + 1),
            None => {
                let n = buf.len();
                input.consume(n);
            }
        }
    }
}

impl<R: BufRead> Read for ResyncGz<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Ok(0),
                State::Between(mut input, after_error) => {
                    let found = if after_error {
                        seek_member(&mut input)?
                    } else {
                        let head = input.fill_buf()?;
                        if head.is_empty() {
                            false
                        } else if looks_like_member(head) {
                            true
                        } else {
                            // Bytes after the last member that are not a
                            // member: reported once, then looked past.
                            let at = input.position();
                            self.state = State::Between(input, true);
                            return Err(std::io::Error::new(
                                std::io::ErrorKind::InvalidData,
                                CorruptMember {
                                    at,
                                    message: "bytes that are not a gzip member".into(),
                                },
                            ));
                        }
                    };
                    if !found {
                        return Ok(0);
                    }
                    let start = input.position();
                    self.state = State::Member(Box::new(GzDecoder::new(input)), start);
                }
                State::Member(mut decoder, start) => match decoder.read(buf) {
                    Ok(0) if !buf.is_empty() => {
                        self.state = State::Between(decoder.into_inner(), false);
                    }
                    Ok(n) => {
                        self.state = State::Member(decoder, start);
                        return Ok(n);
                    }
                    Err(e) => {
                        let mut input = decoder.into_inner();
                        let at = input.position();
                        // Past the damaged member's first byte, at least,
                        // so that the search for the next one moves on.
                        if input.position() == start && !input.fill_buf()?.is_empty() {
                            input.consume(1);
                        }
                        if input.fill_buf()?.is_empty() {
                            self.state = State::Done;
                        } else {
                            self.state = State::Between(input, true);
                        }
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            CorruptMember {
                                at,
                                message: e.to_string(),
                            },
                        ));
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn member(text: &str) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    /// Reads to the end, collecting text and the errors on the way.
    fn read_all(bytes: &[u8]) -> (String, usize) {
        let mut r = ResyncGz::new(std::io::BufReader::with_capacity(7, bytes));
        let mut out = Vec::new();
        let mut errors = 0;
        let mut buf = [0u8; 5];
        for _ in 0..10_000 {
            match r.read(&mut buf) {
                Ok(0) => return (String::from_utf8(out).unwrap(), errors),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => {
                    assert!(is_recoverable(&e));
                    errors += 1;
                }
            }
        }
        panic!("no end");
    }

    #[test]
    fn members_are_joined() {
        let mut bytes = member("one ");
        bytes.extend(member("two ")); // cut by the 7-byte buffer
        bytes.extend(member("three"));
        assert_eq!(read_all(&bytes), ("one two three".into(), 0));
    }

    #[test]
    fn a_corrupt_member_is_one_error_and_the_rest_is_read() {
        let mut bytes = member("first record. ");
        let mut bad = member(&"second record, damaged. ".repeat(20));
        let mid = bad.len() / 2;
        for b in &mut bad[12..mid] {
            *b ^= 0x5a;
        }
        bytes.extend(bad);
        bytes.extend(member("third record."));
        let (text, errors) = read_all(&bytes);
        assert_eq!(errors, 1);
        assert!(text.starts_with("first record. "));
        assert!(text.ends_with("third record."));
    }

    #[test]
    fn a_truncated_last_member_is_one_error() {
        let mut bytes = member("first. ");
        let second = member("second, cut short. ");
        bytes.extend_from_slice(&second[..second.len() - 9]);
        let (text, errors) = read_all(&bytes);
        assert_eq!(errors, 1);
        assert!(text.starts_with("first. "));
    }

    #[test]
    fn garbage_between_members_is_one_error() {
        let mut bytes = member("a ");
        bytes.extend_from_slice(b"\x00\x01garbage\x1f\x8b");
        bytes.extend(member("b"));
        let (text, errors) = read_all(&bytes);
        assert_eq!((text.as_str(), errors), ("a b", 1));
    }
}
