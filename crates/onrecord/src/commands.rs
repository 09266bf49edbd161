pub(crate) mod entities;
pub(crate) mod extract;
pub(crate) mod index;
pub(crate) mod search;
