//! Feature ids: hashed templates, and a sequence's ids per position.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Feature ids are already hashes: hash them no further.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        // Spread the bits: the map uses the low bits for buckets.
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(super) type IdMap<V> = HashMap<u32, V, BuildHasherDefault<IdHasher>>;

/// Builds a feature id from a template number and string parts (FNV-1a).
#[derive(Clone, Copy)]
pub(crate) struct Fx(u64);

impl Fx {
    pub(crate) fn new(template: u8) -> Fx {
        Fx((0xcbf2_9ce4_8422_2325 ^ u64::from(template)).wrapping_mul(0x0100_0000_01b3))
    }
    pub(crate) fn add(mut self, part: &str) -> Fx {
        for &b in part.as_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x0100_0000_01b3);
        self
    }
    /// Adds a part given by its [`hash`]: cheaper than hashing the same
    /// word again for every template.
    pub(crate) fn add_h(mut self, h: u64) -> Fx {
        self.0 = (self.0 ^ h)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
        self
    }

    pub(crate) fn add_u(self, n: u32) -> Fx {
        let mut s = self;
        for b in n.to_le_bytes() {
            s.0 = (s.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        s
    }
    /// The id; never 0, which marks an empty slot in [`Inline`].
    pub(crate) fn id(self) -> u32 {
        ((self.0 ^ (self.0 >> 32)) as u32).max(1)
    }
}

/// A 64-bit hash of a feature part, for [`Fx::add_h`].
pub(crate) const fn hash(s: &str) -> u64 {
    let bytes = s.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h ^ (h >> 29)
}

/// Hashes of the sequence edges and of "no token".
pub(super) const BEFORE: u64 = hash("<s>");
pub(super) const AFTER: u64 = hash("</s>");
pub(super) const NOTHING: u64 = hash("_");

/// The hash at position `i` of a sequence covering `range`, or the edge
/// marker for positions before or after it.
pub(crate) fn word_at(hashes: &[u64], range: &std::ops::Range<usize>, i: isize) -> u64 {
    if i < range.start as isize {
        BEFORE
    } else if i >= range.end as isize {
        AFTER
    } else {
        hashes[i as usize]
    }
}

/// The hash at position `i` within `range`, or "no token" outside it.
pub(crate) fn tag_at(hashes: &[u64], range: &std::ops::Range<usize>, i: isize) -> u64 {
    if i < range.start as isize || i >= range.end as isize {
        NOTHING
    } else {
        hashes[i as usize]
    }
}

/// Features of a sequence: for each position, a run of feature ids.
#[derive(Debug, Default, Clone)]
pub(crate) struct Features {
    pub(super) ids: Vec<u32>,
    pub(super) ends: Vec<u32>,
}

impl Features {
    /// Room for `positions` positions of `per` ids each.
    pub(crate) fn with_capacity(positions: usize, per: usize) -> Features {
        Features {
            ids: Vec::with_capacity(positions * per),
            ends: Vec::with_capacity(positions),
        }
    }

    pub(crate) fn push(&mut self, id: u32) {
        self.ids.push(id);
    }
    /// Empties it, keeping its room.
    pub(crate) fn clear(&mut self) {
        self.ids.clear();
        self.ends.clear();
    }
    /// Room it holds for ids.
    pub(crate) fn capacity(&self) -> usize {
        self.ids.capacity()
    }
    /// Closes the current position.
    pub(crate) fn next(&mut self) {
        self.ends.push(self.ids.len() as u32);
    }
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
    /// Every feature id, positions concatenated.
    pub(crate) fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// The same positions with only the features `keep` accepts.
    pub(crate) fn filtered(&self, keep: &dyn Fn(u32) -> bool) -> Features {
        let mut out = Features::default();
        for i in 0..self.len() {
            for &id in self.at(i) {
                if keep(id) {
                    out.push(id);
                }
            }
            out.next();
        }
        out
    }

    pub(crate) fn at(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.ids[start..self.ends[i] as usize]
    }
}
