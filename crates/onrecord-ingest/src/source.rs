use std::io::{BufRead, Read};

/// Counts the bytes consumed from a buffered reader, so records can name
/// their offset in the (decompressed) input.
pub(crate) struct Counting<R> {
    inner: R,
    position: u64,
}

impl<R: BufRead> Counting<R> {
    pub(crate) fn new(inner: R) -> Self {
        Counting { inner, position: 0 }
    }

    /// Bytes consumed so far.
    pub(crate) fn position(&self) -> u64 {
        self.position
    }
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.position += amount as u64;
        self.inner.consume(amount);
    }
}
