//! The arc-hybrid transition system (Kuhlmann, Gómez-Rodríguez and Satta
//! 2011) with the root at the end of the buffer (Ballesteros and Nivre
//! 2013), and its dynamic oracle (Goldberg and Nivre 2013).
//!
//! Words are `0..n`; the root is word `n`, the last item of the buffer. A
//! left arc attaches the top of the stack to the front of the buffer, a
//! right arc to the word below it on the stack. The root takes exactly one
//! child: the last word left on the stack.

/// A transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Move {
    /// Pushes the front of the buffer onto the stack.
    Shift,
    /// The top of the stack becomes a child of the front of the buffer.
    Left,
    /// The top of the stack becomes a child of the word below it.
    Right,
}

impl Move {
    pub(crate) const ALL: [Move; 3] = [Move::Shift, Move::Left, Move::Right];

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// No word: an empty slot, or a word with no head yet.
pub(crate) const NONE: u32 = u32::MAX;

/// The two nearest children on one side of a word, nearest to the word
/// last: `[outermost, next]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Side {
    pub(crate) outer: u32,
    pub(crate) second: u32,
    pub(crate) count: u32,
}

impl Side {
    const EMPTY: Side = Side {
        outer: NONE,
        second: NONE,
        count: 0,
    };

    /// Adds a child further out than every child so far.
    fn push(&mut self, child: u32) {
        self.second = self.outer;
        self.outer = child;
        self.count += 1;
    }
}

/// A parser state: stack, buffer front and the arcs built so far.
#[derive(Debug, Clone)]
pub(crate) struct State {
    /// Words (the root is `n`).
    pub(crate) n: u32,
    pub(crate) stack: Vec<u32>,
    /// The front of the buffer; the buffer is `front..=n`.
    pub(crate) front: u32,
    pub(crate) heads: Vec<u32>,
    /// Left and right children of each word, the root's at `n`.
    pub(crate) left: Vec<Side>,
    pub(crate) right: Vec<Side>,
}

impl State {
    pub(crate) fn new(n: usize) -> State {
        let mut s = State {
            n: 0,
            stack: Vec::new(),
            front: 0,
            heads: Vec::new(),
            left: Vec::new(),
            right: Vec::new(),
        };
        s.reset(n);
        s
    }

    /// The initial state for `n` words, keeping the room already held.
    pub(crate) fn reset(&mut self, n: usize) {
        self.n = n as u32;
        self.stack.clear();
        self.front = 0;
        self.heads.clear();
        self.heads.resize(n, NONE);
        self.left.clear();
        self.left.resize(n + 1, Side::EMPTY);
        self.right.clear();
        self.right.resize(n + 1, Side::EMPTY);
    }

    pub(crate) fn done(&self) -> bool {
        self.stack.is_empty() && self.front == self.n
    }

    /// The `i`th word from the top of the stack, or [`NONE`].
    pub(crate) fn s(&self, i: usize) -> u32 {
        self.stack
            .len()
            .checked_sub(i + 1)
            .map_or(NONE, |k| self.stack[k])
    }

    /// The `i`th item of the buffer (the root included), or [`NONE`].
    pub(crate) fn b(&self, i: u32) -> u32 {
        let k = self.front + i;
        if k <= self.n { k } else { NONE }
    }

    pub(crate) fn valid(&self, m: Move) -> bool {
        match m {
            Move::Shift => self.front < self.n,
            // Only the last word on the stack may attach to the root.
            Move::Left => !self.stack.is_empty() && (self.front < self.n || self.stack.len() == 1),
            Move::Right => self.stack.len() >= 2,
        }
    }

    /// Applies a valid move.
    pub(crate) fn apply(&mut self, m: Move) {
        match m {
            Move::Shift => {
                self.stack.push(self.front);
                self.front += 1;
            }
            Move::Left => {
                let child = self.stack.pop().unwrap_or(NONE);
                self.attach(self.front, child);
            }
            Move::Right => {
                let child = self.stack.pop().unwrap_or(NONE);
                let head = self.stack.last().copied().unwrap_or(NONE);
                self.attach(head, child);
            }
        }
    }

    fn attach(&mut self, head: u32, child: u32) {
        let (Some(h), Some(slot)) = (
            usize::try_from(head).ok().filter(|&h| h <= self.n as usize),
            self.heads.get_mut(child as usize),
        ) else {
            return;
        };
        *slot = head;
        if child < head {
            self.left[h].push(child);
        } else {
            self.right[h].push(child);
        }
    }

    /// The gold arcs a move makes unreachable, given gold heads (`n` for
    /// the root): the dynamic oracle's cost. Exact for projective trees.
    pub(crate) fn cost(&self, m: Move, gold: &[u32]) -> u32 {
        let buffer = self.front..self.n;
        // Words in the buffer whose gold head is `w`.
        let deps_in_buffer =
            |w: u32| buffer.clone().filter(|&d| gold[d as usize] == w).count() as u32;
        match m {
            Move::Shift => {
                let b = self.front;
                let below = &self.stack[..self.stack.len().saturating_sub(1)];
                let children = self
                    .stack
                    .iter()
                    .filter(|&&s| gold[s as usize] == b)
                    .count() as u32;
                children + u32::from(below.contains(&gold[b as usize]))
            }
            Move::Left => {
                let s0 = self.s(0);
                let g = gold[s0 as usize];
                let head_lost = g != self.front && (g == self.s(1) || g > self.front);
                deps_in_buffer(s0) + u32::from(head_lost)
            }
            Move::Right => {
                let s0 = self.s(0);
                let g = gold[s0 as usize];
                deps_in_buffer(s0) + u32::from(g >= self.front)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows the oracle on a tree: every projective tree is rebuilt.
    fn oracle_parse(gold: &[u32]) -> Vec<u32> {
        let mut s = State::new(gold.len());
        while !s.done() {
            let m = Move::ALL
                .into_iter()
                .filter(|&m| s.valid(m))
                .min_by_key(|&m| s.cost(m, gold))
                .expect("a valid move");
            assert_eq!(s.cost(m, gold), 0, "a projective tree costs nothing");
            s.apply(m);
        }
        s.heads
    }

    #[test]
    fn the_oracle_rebuilds_projective_trees() {
        // "She said the plan works": said <- She; said -> works; works <- plan <- the.
        let gold = [1, 5, 3, 4, 1];
        assert_eq!(oracle_parse(&gold), gold);
        // A chain to the right and one to the left.
        assert_eq!(oracle_parse(&[1, 2, 3, 4]), [1, 2, 3, 4]);
        assert_eq!(oracle_parse(&[4, 0, 1, 2]), [4, 0, 1, 2]);
        assert_eq!(oracle_parse(&[1]), [1]);
    }

    #[test]
    fn any_valid_moves_end_in_one_tree_with_one_root() {
        for seed in 0..200u64 {
            let n = (seed % 9 + 1) as usize;
            let mut s = State::new(n);
            let mut r = seed;
            while !s.done() {
                r = r.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let valid: Vec<Move> = Move::ALL.into_iter().filter(|&m| s.valid(m)).collect();
                s.apply(valid[(r >> 33) as usize % valid.len()]);
            }
            assert!(s.heads.iter().all(|&h| h != NONE && h <= n as u32));
            assert_eq!(s.heads.iter().filter(|&&h| h == n as u32).count(), 1);
        }
    }
}
