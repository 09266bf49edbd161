pub(crate) mod entities;
pub(crate) mod extract;
