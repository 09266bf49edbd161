//! The article's own fields (url, date, title, author, site), named once.
//!
//! A new field is one line in the list below. Where it then goes:
//! - [`crate::Record`] (flattened: top-level JSON keys) and
//!   [`crate::Hints`] carry an [`Article`]: they get the field as is;
//! - the JSONL reader's keys (`onrecord_ingest::FieldNames`) are an
//!   `ArticleFields<Vec<String>>`, read field by field with
//!   [`ArticleFields::map`]; the compiler asks for the new field's default
//!   keys, and `onrecord extract --field NAME=KEY` takes any field by name;
//! - the pipeline's merge of hints with what the page says builds the
//!   record's [`Article`] field by field, so the compiler asks how the new
//!   one is found;
//! - where the language does not allow it, the code says so and a compile
//!   error or a test points there: the Parquet article row spells out its
//!   columns (serde_arrow traces columns from the type and cannot see
//!   through a flattened struct; the row is filled by taking the article
//!   apart with no `..`, and a test checks every field is a column), and
//!   the index's hits hold the copies each quote stores (cut, the site
//!   lower-cased), a choice of the index schema made per field.

use serde::{Deserialize, Serialize};

/// Declares [`ArticleFields`] and its methods from one list of fields.
macro_rules! article_fields {
    ($($(#[doc = $doc:literal])* $name:ident),+ $(,)?) => {
        /// One value per article field: `Option<String>` in records and
        /// hints, the JSON keys to look in for a JSONL reader.
        ///
        /// Flattened into the record's JSON (`#[serde(flatten)]`), so each
        /// field is a top-level key there.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub struct ArticleFields<T> {
            $($(#[doc = $doc])* pub $name: T,)+
        }

        impl<T> ArticleFields<T> {
            /// The fields' names, as in the record's JSON, in order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),+];

            /// Each value through `f`, with its field's name.
            pub fn map<U>(self, mut f: impl FnMut(&'static str, T) -> U) -> ArticleFields<U> {
                ArticleFields { $($name: f(stringify!($name), self.$name),)+ }
            }

            /// References to the values.
            pub fn as_ref(&self) -> ArticleFields<&T> {
                ArticleFields { $($name: &self.$name,)+ }
            }

            /// Mutable references to the values.
            pub fn as_mut(&mut self) -> ArticleFields<&mut T> {
                ArticleFields { $($name: &mut self.$name,)+ }
            }

            /// Pairs of this value and `other`'s, field by field.
            pub fn zip<U>(self, other: ArticleFields<U>) -> ArticleFields<(T, U)> {
                ArticleFields { $($name: (self.$name, other.$name),)+ }
            }

            /// The values with their names, in order.
            pub fn into_vec(self) -> Vec<(&'static str, T)> {
                vec![$((stringify!($name), self.$name)),+]
            }
        }
    };
}

article_fields! {
    /// The article URL.
    url,
    /// Publication date: ISO 8601 in a record (`2025-08-16` or a full
    /// timestamp), as written in hints.
    date,
    /// Headline.
    title,
    /// Byline, authors joined with `, `.
    author,
    /// The outlet: a site name or the URL's host.
    site,
}

/// The article fields of a record or of hints.
pub type Article = ArticleFields<Option<String>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_fields_in_order() {
        let a = Article {
            url: Some("u".into()),
            date: Some("d".into()),
            title: Some("t".into()),
            author: Some("a".into()),
            site: Some("s".into()),
        };
        let pairs = a.clone().into_vec();
        let names: Vec<&str> = pairs.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, Article::NAMES);
        // Each value starts with its field's name, the JSON keys too.
        for (name, value) in &pairs {
            assert_eq!(value.as_deref().map(|v| &v[..1]), Some(&name[..1]));
        }
        let json = serde_json::to_value(&a).expect("serialises");
        let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
        assert_eq!(keys.len(), Article::NAMES.len());
        for name in Article::NAMES {
            assert!(json.get(name).is_some(), "{name}");
        }
        let lengths = a.map(|_, v| v.map_or(0, |s| s.len()));
        assert_eq!(lengths.into_vec().iter().map(|p| p.1).sum::<usize>(), 5);
    }
}
