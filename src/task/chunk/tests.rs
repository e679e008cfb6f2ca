use super::*;
use crate::tokens::{BytesPerToken, Encoding, Tiktoken};
use proptest::prelude::*;

fn o200k() -> Tiktoken {
    Tiktoken::new(Encoding::O200kBase)
}

/// Everything a chunking must guarantee, whatever the input.
fn check_invariants(
    text: &str,
    chunks: &[Chunk],
    budget: usize,
    overlap: usize,
    counter: &dyn TokenCounter,
) {
    let mut rebuilt = String::new();
    let mut new_start = 0;
    for (i, c) in chunks.iter().enumerate() {
        assert_eq!(c.overlap_start, new_start, "chunk {i} is not contiguous");
        assert!(
            c.start <= c.overlap_start && c.overlap_start < c.end,
            "chunk {i}: {c:?}"
        );
        if i == 0 {
            assert_eq!(c.start, 0);
        }
        let count = counter.count(c.text(text));
        assert_eq!(count, c.tokens, "chunk {i}");
        assert!(count <= budget, "chunk {i}: {count} > {budget}");
        let repeated = &text[c.start..c.overlap_start];
        assert!(
            counter.count(repeated) <= overlap.min(budget / 2),
            "chunk {i} overlap"
        );
        let lines_before =
            |b: usize| text.as_bytes()[..b].iter().filter(|&&x| x == b'\n').count() + 1;
        assert_eq!(c.first_line, lines_before(c.start), "chunk {i}");
        assert_eq!(c.last_line, lines_before(c.end - 1), "chunk {i}");
        rebuilt.push_str(c.new_text(text));
        new_start = c.end;
    }
    assert_eq!(rebuilt, text);
    if text.is_empty() {
        assert!(chunks.is_empty());
    }
    if counter.count(text) <= budget && !text.is_empty() {
        assert_eq!(chunks.len(), 1);
    }
}

fn news(text: &str, chunks: &[Chunk]) -> Vec<String> {
    chunks
        .iter()
        .map(|c| c.new_text(text).to_string())
        .collect()
}

#[test]
fn arguments_that_cannot_make_progress_are_errors() {
    let c = o200k();
    assert_eq!(split("abc", 0, 0, &c), Err(ChunkError::ZeroBudget));
    assert_eq!(
        split("abc", 10, 10, &c),
        Err(ChunkError::OverlapNotBelowBudget {
            overlap: 10,
            budget: 10
        })
    );
    // One token per byte: a two-byte letter can never fit one token.
    let err = split("ab\nż", 1, 0, &BytesPerToken(1)).unwrap_err();
    assert!(
        matches!(
            err,
            ChunkError::CharacterOverBudget {
                line: 2,
                byte: 3,
                tokens: 2,
                budget: 1
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("line 2"));
}

#[test]
fn empty_text_has_no_chunks_and_short_text_one() {
    assert_eq!(split("", 10, 0, &o200k()), Ok(vec![]));
    let text = "# Notatka\n\nSprawca uciekł.\n";
    let chunks = split(text, 100, 20, &o200k()).unwrap();
    assert_eq!(
        chunks,
        [Chunk {
            start: 0,
            end: text.len(),
            overlap_start: 0,
            first_line: 1,
            last_line: 3,
            heading: Some("Notatka".into()),
            tokens: o200k().count(text),
        }]
    );
}

fn sections() -> String {
    let mut doc = String::new();
    for s in 1..=6 {
        doc.push_str(&format!("## {s}. Section number {s}\n\n"));
        for p in 1..=3 {
            doc.push_str(&format!(
                "Paragraph {p} of section {s} says something about the case. It has a \
                 second sentence too, with a few more words.\n\n"
            ));
        }
    }
    doc
}

#[test]
fn headings_are_preferred_cut_points() {
    let doc = sections();
    let c = o200k();
    // About two and a half sections per chunk: a cut at a paragraph would fill more, the
    // heading before it wins.
    let section = c.count(&doc) / 6;
    let chunks = split(&doc, section * 5 / 2, 0, &c).unwrap();
    check_invariants(&doc, &chunks, section * 5 / 2, 0, &c);
    assert!(chunks.len() >= 3);
    for chunk in &chunks {
        assert!(
            chunk.new_text(&doc).starts_with("## "),
            "{:?}",
            chunk.new_text(&doc)
        );
        assert!(chunk.new_text(&doc).ends_with(".\n\n"));
    }
}

#[test]
fn running_heading_is_carried_into_chunks_inside_a_section() {
    let doc = sections();
    let c = o200k();
    let chunks = split(&doc, 40, 0, &c).unwrap();
    check_invariants(&doc, &chunks, 40, 0, &c);
    for chunk in &chunks {
        let section = chunk
            .new_text(&doc)
            .split("section ")
            .nth(1)
            .and_then(|r| r.chars().next());
        if let (Some(heading), Some(n)) = (&chunk.heading, section)
            && !chunk.new_text(&doc).starts_with("##")
        {
            assert_eq!(heading, &format!("{n}. Section number {n}"));
        }
    }
    let third = chunks
        .iter()
        .find(|c| c.new_text(&doc).starts_with("Paragraph 2 of section 3"));
    assert_eq!(
        third.and_then(|c| c.heading.as_deref()),
        Some("3. Section number 3")
    );
}

#[test]
fn paragraphs_then_sentences_then_words() {
    let c = BytesPerToken(1);
    let text = "First paragraph here.\n\nSecond one. It is long.";
    let chunks = split(text, 30, 0, &c).unwrap();
    assert_eq!(
        news(text, &chunks),
        ["First paragraph here.\n\n", "Second one. It is long."]
    );
    let text = "One sentence here. Another sentence there. And a third one.";
    let chunks = split(text, 30, 0, &c).unwrap();
    assert_eq!(
        news(text, &chunks),
        [
            "One sentence here. ",
            "Another sentence there. ",
            "And a third one."
        ]
    );
    // A sentence over the budget is cut between words, never inside one.
    let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda";
    let chunks = split(text, 20, 0, &c).unwrap();
    check_invariants(text, &chunks, 20, 0, &c);
    for chunk in &chunks {
        assert!(
            chunk
                .new_text(text)
                .trim_end()
                .split(' ')
                .all(|w| text.split(' ').any(|x| x == w))
        );
    }
}

#[test]
fn a_word_over_the_budget_is_cut_between_graphemes() {
    let c = o200k();
    let word = "żółćé\u{301}👨\u{200d}👩\u{200d}👧".repeat(200);
    let text = format!("Short start. {word} end.");
    let chunks = split(&text, 30, 0, &c).unwrap();
    check_invariants(&text, &chunks, 30, 0, &c);
    assert!(chunks.len() > 10);
    assert_eq!(chunks[0].new_text(&text), "Short start. ");
    for chunk in &chunks[1..] {
        let t = chunk.new_text(&text);
        assert!(!t.starts_with(['\u{301}', '\u{200d}']), "{t:?}");
        assert!(!t.starts_with("👩") && !t.starts_with("👧"), "{t:?}");
    }
}

#[test]
fn crlf_is_never_cut_between_cr_and_lf() {
    let c = BytesPerToken(1);
    let text = "ab\r\n".repeat(50) + &"\r\n".repeat(100);
    for budget in 2..12 {
        let chunks = split(&text, budget, 0, &c).unwrap();
        check_invariants(&text, &chunks, budget, 0, &c);
        assert!(
            chunks
                .iter()
                .all(|ch| !ch.new_text(&text).starts_with('\n'))
        );
    }
}

#[test]
fn overlap_repeats_whole_sentences() {
    let c = o200k();
    let text = (1..=40)
        .map(|i| format!("Sentence number {i} is here."))
        .collect::<Vec<_>>()
        .join(" ");
    let chunks = split(&text, 60, 20, &c).unwrap();
    check_invariants(&text, &chunks, 60, 20, &c);
    for chunk in &chunks[1..] {
        let repeated = &text[chunk.start..chunk.overlap_start];
        assert!(repeated.starts_with("Sentence number "), "{repeated:?}");
        assert!(repeated.trim_end().ends_with('.'), "{repeated:?}");
        assert!(c.count(repeated) > 5, "{repeated:?}");
    }
    // Half the budget at most.
    let chunks = split(&text, 60, 59, &c).unwrap();
    check_invariants(&text, &chunks, 60, 30, &c);
}

#[test]
fn line_numbers_include_the_overlap() {
    let c = BytesPerToken(1);
    let text = "Line one.\nLine two.\nLine three.\nLine four.\n";
    let chunks = split(text, 25, 12, &c).unwrap();
    check_invariants(text, &chunks, 25, 12, &c);
    let lines: Vec<(usize, usize)> = chunks.iter().map(|c| (c.first_line, c.last_line)).collect();
    assert_eq!(lines, [(1, 2), (2, 3), (3, 4)]);
}

#[test]
fn heading_detection() {
    for (line, title) in [
        ("# Wnioski", Some("Wnioski")),
        ("### 2. Findings ###", Some("2. Findings")),
        ("#hashtag", None),
        ("1. Introduction", Some("1. Introduction")),
        ("2.3 Scope of work", Some("2.3 Scope of work")),
        ("1. the suspect left", None),
        ("1. The suspect left the shop at noon.", None),
        ("§ 3", Some("§ 3")),
        ("§ 2. Przepisy ogólne", Some("§ 2. Przepisy ogólne")),
        ("Art. 5", Some("Art. 5")),
        ("Art. 5 ustawy stanowi, że", None),
        ("ROZDZIAŁ IV", Some("ROZDZIAŁ IV")),
        ("Chapter 2. Findings", Some("Chapter 2. Findings")),
        ("NOTATKA URZĘDOWA", Some("NOTATKA URZĘDOWA")),
        ("WA 12345", None),
        ("2024 was a year", None),
        ("Zwykłe zdanie w tekście.", None),
    ] {
        assert_eq!(heading_title(line), title, "{line:?}");
    }
}

#[test]
fn approximate_counter_is_respected() {
    let c = crate::tokens::Approximate::new("mistral");
    let doc = sections();
    let chunks = split(&doc, 50, 10, &c).unwrap();
    check_invariants(&doc, &chunks, 50, 10, &c);
}

#[test]
fn long_texts_are_estimated_in_parallel_with_the_same_counts() {
    let c = BytesPerToken(3);
    let text = "Zdanie numer jeden, całkiem zwyczajne.\n".repeat(40_000);
    assert!(text.len() >= PARALLEL_FROM_BYTES);
    let ranges = blocks(&text, 2000);
    let serial: Vec<usize> = ranges.iter().map(|&(s, e)| c.count(&text[s..e])).collect();
    assert_eq!(count_blocks(&text, &c, &ranges), serial);
    let chunks = split(&text, 4000, 200, &c).unwrap();
    check_invariants(&text, &chunks, 4000, 200, &c);
}

fn document() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Ząćęłńóśźż]{1,12}",
        3 => Just(" ".to_string()),
        2 => prop_oneof![Just(". "), Just(", "), Just("? "), Just("r. "), Just("ul. ")].prop_map(String::from),
        2 => prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n"), Just("\n\n\n\n"), Just("\r\n\r\n")].prop_map(String::from),
        1 => "[a-zżółć]{30,120}",
        1 => prop_oneof![Just("# Nagłówek\n"), Just("\n1. Introduction\n"), Just("\nNOTATKA URZĘDOWA\n"), Just("§ 3\n")].prop_map(String::from),
        1 => prop_oneof![Just("e\u{301}"), Just("👨\u{200d}👩\u{200d}👧"), Just("🇵🇱"), Just("警察が到着した。"), Just("\t  ")].prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn chunks_cover_the_text_within_budget_with_tiktoken(
        text in document(),
        budget in 4usize..80,
        overlap_share in 0usize..100,
    ) {
        let c = o200k();
        let overlap = budget * overlap_share / 100;
        let chunks = split(&text, budget, overlap, &c).unwrap();
        check_invariants(&text, &chunks, budget, overlap, &c);
    }

    #[test]
    fn chunks_cover_the_text_within_budget_by_bytes(
        text in document(),
        budget in 4usize..200,
        overlap_share in 0usize..100,
    ) {
        let c = BytesPerToken(3);
        let overlap = budget * overlap_share / 100;
        let chunks = split(&text, budget, overlap, &c).unwrap();
        check_invariants(&text, &chunks, budget, overlap, &c);
    }
}
