use thiserror::Error;

/// Why an article could not become a record.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// The article holds no text at all once boilerplate is removed.
    #[error("the article has no main text")]
    Empty,
    /// The input is larger than the pipeline accepts.
    #[error("the article is {size_bytes} bytes, over the limit of {limit_bytes} bytes")]
    TooLarge {
        /// Size of the input.
        size_bytes: usize,
        /// The configured limit.
        limit_bytes: usize,
    },
    /// The HTML could not be read within the memory bound.
    #[error("the HTML could not be parsed: {reason}")]
    Html {
        /// What the parser reported.
        reason: String,
    },
    /// A bug: the pipeline panicked on this article (see
    /// [`crate::Pipeline::process`]).
    #[error("internal error (please report it with the input): {reason}")]
    Internal {
        /// The panic's message.
        reason: String,
    },
}

/// `Result` with this crate's [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
