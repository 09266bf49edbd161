//! Exact checks on the committed articles: these paragraphs, these captions.

use onrecord_core::{Body, Caption, Document, Pipeline, Record};

fn text_record(text: &str) -> Record {
    Pipeline::default()
        .process(&Document::new(Body::Text(text.to_owned())))
        .unwrap()
}

fn html_record(html: &str) -> Record {
    Pipeline::default()
        .process(&Document::new(Body::Html(html.to_owned())))
        .unwrap()
}

fn caption(text: &str, credit: &str) -> Caption {
    Caption {
        text: text.into(),
        credit: Some(credit.into()),
    }
}

#[test]
fn scraped_text_keeps_every_paragraph_and_no_appeal_or_caption() {
    let record = text_record(include_str!(
        "../../../../testdata/text/inline-gallery-captions.txt"
    ));
    let paragraphs: Vec<&str> = record.text.split("\n\n").collect();
    assert_eq!(
        paragraphs,
        [
            "Russian President Vladimir Putin and US President Donald Trump ended their summit in Anchorage on Friday without announcing a ceasefire in Ukraine, after nearly three hours of talks at a military base.",
            "“We had an extremely productive meeting, and many points were agreed to,” Mr Trump told reporters after the talks, adding that “there’s no deal until there’s a deal”.",
            "Mr Putin said the two leaders had reached an “understanding” and called the conversation “constructive and mutually respectful”. He invited Mr Trump to Moscow for a second meeting.",
            "Ukrainian President Volodymyr Zelensky, who was not invited to Alaska, said on Saturday that he would travel to Washington on Monday. According to officials in Kyiv, European leaders are expected to join him.",
            "The Kremlin said a date for a further meeting had not been set. About 200 demonstrators gathered near the base, police said.",
        ]
    );
    assert_eq!(
        record.captions,
        [
            caption(
                "Vladimir Putin (left) and Donald Trump shake hands on the tarmac at Joint Base Elmendorf-Richardson",
                "AP"
            ),
            // A pull-quote caption stays a caption; the body paragraph stays too.
            caption(
                "“We had an extremely productive meeting, and many points were agreed to,” Mr Trump said",
                "Getty Images"
            ),
            caption(
                "Protesters gather outside the base before the summit",
                "Reuters"
            ),
        ]
    );
    assert_eq!(record.article.date.as_deref(), Some("2025-08-16"));
    assert!(record.id.starts_with('c'));
}

#[test]
fn html_article_body_captions_and_metadata() {
    let record = html_record(include_str!(
        "../../../../testdata/html/article-with-figure.html"
    ));
    let paragraphs: Vec<&str> = record.text.split("\n\n").collect();
    assert_eq!(
        paragraphs,
        [
            "European transport ministers on Tuesday backed a plan to spend EUR 114 bn on cross-border rail links over the next decade, the largest such programme the bloc has agreed.",
            "“This is the moment Europe stops talking about trains and starts building them,” said Commissioner Anna Berg, who has led the talks since 2023.",
            "The money will come from the existing cohesion budget and from loans by the European Investment Bank, according to a draft seen by reporters. Critics said the timetable was unrealistic.",
            "Night trains return",
            "Among the first projects are three night-train routes linking Berlin, Warsaw and Vilnius, which officials expect to carry thousands of people a week by 2027.",
        ]
    );
    assert_eq!(
        record.captions,
        [caption(
            "A high-speed train leaves Lyon station.",
            "Jean Martin/AFP"
        )]
    );
    assert_eq!(
        record.article.title.as_deref(),
        Some("Ministers back EUR 114 bn rail plan")
    );
    assert_eq!(record.article.author.as_deref(), Some("Jane Doe"));
    assert_eq!(record.article.site.as_deref(), Some("The Example Times"));
    assert_eq!(
        record.article.date.as_deref(),
        Some("2025-03-04T09:30:00+01:00")
    );
    assert_eq!(
        record.article.url.as_deref(),
        Some("https://news.example.com/2025/03/04/rail-plan")
    );
    assert_eq!(record.lang.as_deref(), Some("en"));
}

#[test]
fn record_wire_format() {
    let record = text_record("date 2025-08-16 The council met.\nSupport Now");
    insta::assert_json_snapshot!(record);
}

#[test]
fn raw_text_keeps_the_input() {
    let input = "date 2025-08-16 Body.\nRead more";
    let record = Pipeline::builder()
        .raw_text(true)
        .build()
        .process(&Document::new(Body::Text(input.into())))
        .unwrap();
    assert_eq!(record.text, input);
}

#[test]
fn a_canonical_link_that_is_no_url_gives_way_to_og_url_and_its_day() {
    let para = "The guide walks through every style of wine, from crisp whites to \
                sweet fortified reds, with notes on the grapes and regions behind them.";
    let html = format!(
        "<html><head><title>A guide to wine</title>\
         <link rel=\"canonical\" href=\"What are the different types of wine?\">\
         <meta property=\"og:url\" content=\"https://wine.example/blog/2023/october/03/guide\">\
         </head><body><article><h1>A guide to wine</h1><p>03/10/2023</p>\
         <p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"
    );
    let record = html_record(&html);
    assert_eq!(
        record.article.url.as_deref(),
        Some("https://wine.example/blog/2023/october/03/guide")
    );
    assert_eq!(record.article.date.as_deref(), Some("2023-10-03"));
}
