//! Properties: no input panics or overflows the stack; records round-trip.

use onrecord_core::{Body, Document, Error, Pipeline, Record};
use proptest::prelude::*;

fn run(body: Body) -> Result<Record, Error> {
    Pipeline::default().process(&Document::new(body))
}

#[test]
fn html_nested_100000_levels_deep_is_handled() {
    let mut html = String::from("<html><body>");
    for _ in 0..100_000 {
        html.push_str("<div>");
    }
    html.push_str(
        "<p>Deep inside the page there is a paragraph of text that is long enough to keep.</p>",
    );
    for _ in 0..100_000 {
        html.push_str("</div>");
    }
    html.push_str("</body></html>");
    let record = run(Body::Html(html)).unwrap();
    assert!(record.text.contains("Deep inside the page"));
}

#[test]
fn unclosed_elements_and_empty_pages() {
    assert!(matches!(run(Body::Html(String::new())), Err(Error::Empty)));
    assert!(matches!(run(Body::Text("   \n".into())), Err(Error::Empty)));
    let html = "<p>First paragraph without an end tag, long enough to count as text.<p>Second one, also long enough to be kept here.";
    let record = run(Body::Html(html.into())).unwrap();
    assert_eq!(record.text.split("\n\n").count(), 2);
}

#[test]
fn too_large_input_is_refused() {
    let pipeline = Pipeline::builder().max_input_bytes(10).build();
    let err = pipeline
        .process(&Document::new(Body::Text("more than ten bytes".into())))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the article is 19 bytes, over the limit of 10 bytes"
    );
}

fn html_fragment() -> impl Strategy<Value = String> {
    let tag = prop::sample::select(vec![
        "<p>",
        "</p>",
        "<div class=\"article-body\">",
        "</div>",
        "<script>",
        "</script>",
        "<a href=x>",
        "</a>",
        "<figure><figcaption>",
        "</figcaption></figure>",
        "<br>",
        "<!--",
        "-->",
        "&amp;",
        "&#x",
        "<nav>",
        "</nav>",
        "<table><tr><td>",
        "<svg><path/>",
        "</svg>",
        "<![CDATA[",
        "\u{0}",
        "é",
    ]);
    let text = "[a-zA-Z ,.“”\"]{0,40}";
    prop::collection::vec(prop_oneof![tag.prop_map(str::to_owned), text], 0..60)
        .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn html_never_panics_and_round_trips(html in html_fragment()) {
        let out = run(Body::Html(html));
        prop_assert!(!matches!(out, Err(Error::Internal { .. })), "{out:?}");
        if let Ok(record) = out {
            let json = serde_json::to_string(&record).unwrap();
            let back: Record = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, record);
        }
    }

    #[test]
    fn text_never_panics(text in "(date 2025-08-16 )?([a-zA-Z ().“”]{0,30}(open image in gallery|\n|Support Now|\\( AP \\))?){0,12}") {
        let out = run(Body::Text(text));
        prop_assert!(!matches!(out, Err(Error::Internal { .. })), "{out:?}");
        if let Ok(record) = out {
            prop_assert!(!record.text.trim().is_empty());
            prop_assert!(!record.text.contains("open image in gallery"));
        }
    }
}
