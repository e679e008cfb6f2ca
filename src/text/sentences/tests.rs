use super::*;

fn split(text: &str) -> Vec<&str> {
    split_sentences(text).iter().map(|s| s.text(text)).collect()
}

#[test]
fn english_abbreviations_initials_and_numbers() {
    let t = "Mr. Smith met Dr. J. R. Jones in the U.S. Army base at 3.5 km. \
             They talked, e.g. about No. 5 Street. Then they left!";
    assert_eq!(
        split(t),
        [
            "Mr. Smith met Dr. J. R. Jones in the U.S. Army base at 3.5 km.",
            "They talked, e.g. about No. 5 Street.",
            "Then they left!",
        ]
    );
}

#[test]
fn polish_abbreviations_and_dates() {
    let t = "W dniu 27.11.2025 r. około godz. 14:30 na ul. Marszałkowskiej nr 12 doszło \
             do kradzieży, tj. zaboru m.in. telefonu. Sprawcę zatrzymano 28.11.2025 r. \
             Postępowanie prowadzi tzw. grupa ok. 5 osób z KP im. Jana Pawła II na pl. \
             Defilad, np. asp. Nowak i św. Mikołaj.";
    assert_eq!(
        split(t),
        [
            "W dniu 27.11.2025 r. około godz. 14:30 na ul. Marszałkowskiej nr 12 doszło \
             do kradzieży, tj. zaboru m.in. telefonu.",
            "Sprawcę zatrzymano 28.11.2025 r.",
            "Postępowanie prowadzi tzw. grupa ok. 5 osób z KP im. Jana Pawła II na pl. \
             Defilad, np. asp. Nowak i św. Mikołaj.",
        ]
    );
}

#[test]
fn polish_date_opening_a_sentence_does_not_split() {
    let t = "W dniu 27.11.2025 r. Jan Kowalski zgłosił kradzież. Dnia 1 grudnia 2025 r. \
             Policja zatrzymała sprawcę.";
    assert_eq!(
        split(t),
        [
            "W dniu 27.11.2025 r. Jan Kowalski zgłosił kradzież.",
            "Dnia 1 grudnia 2025 r. Policja zatrzymała sprawcę.",
        ]
    );
}

#[test]
fn a_journal_citation_stays_in_its_sentence() {
    let t = "Sąd orzekł na mocy ustawy o opłatach w sprawach karnych (t.j. Dz. U. z 1983 r. \
             nr 49 poz. 223 ze zm.). Wyrok jest prawomocny.";
    assert_eq!(
        split(t),
        [
            "Sąd orzekł na mocy ustawy o opłatach w sprawach karnych (t.j. Dz. U. z 1983 r. \
             nr 49 poz. 223 ze zm.).",
            "Wyrok jest prawomocny.",
        ]
    );
}

#[test]
fn german_abbreviations_and_ordinals() {
    let t = "Am 3. Mai wurde z.B. in der Haupt Str. 5 bzw. Nr. 7 ermittelt. Die Täter \
             flohen usw. Danach kam nichts.";
    assert_eq!(
        split(t),
        [
            "Am 3. Mai wurde z.B. in der Haupt Str. 5 bzw. Nr. 7 ermittelt.",
            "Die Täter flohen usw.",
            "Danach kam nichts.",
        ]
    );
}

#[test]
fn french_and_spanish_titles() {
    let t = "M. Dupont et Mme. Martin sont arrivés. Ils ont vu des livres, des stylos, etc. \
             La Sra. García y el Sr. López hablaron con Dña. Ana. Todo terminó.";
    assert_eq!(
        split(t),
        [
            "M. Dupont et Mme. Martin sont arrivés.",
            "Ils ont vu des livres, des stylos, etc.",
            "La Sra. García y el Sr. López hablaron con Dña. Ana.",
            "Todo terminó.",
        ]
    );
}

#[test]
fn quotes_questions_and_ellipsis() {
    let t = "He said \"Stop.\" Then he ran. \"Where?\" she asked. Was it him?! \
             Maybe... maybe not… Later it rained.";
    assert_eq!(
        split(t),
        [
            "He said \"Stop.\"",
            "Then he ran.",
            "\"Where?\" she asked.",
            "Was it him?!",
            "Maybe... maybe not…",
            "Later it rained.",
        ]
    );
}

#[test]
fn headings_bullets_and_line_ranges() {
    let t = "NOTATKA URZĘDOWA\n\nSprawca wszedł do sklepu\no godz. 12. Ukradł telefon.\n\
             - pierwszy punkt\n- drugi punkt, który\n  się zawija\n1. numerowany\n\n# Wnioski\nKoniec";
    let s = split_sentences(t);
    let got: Vec<(&str, usize, usize)> = s
        .iter()
        .map(|x| (x.text(t), x.line_start, x.line_end))
        .collect();
    assert_eq!(
        got,
        [
            ("NOTATKA URZĘDOWA", 1, 1),
            ("Sprawca wszedł do sklepu\no godz. 12.", 3, 4),
            ("Ukradł telefon.", 4, 4),
            ("- pierwszy punkt", 5, 5),
            ("- drugi punkt, który\n  się zawija", 6, 7),
            ("1. numerowany", 8, 8),
            ("# Wnioski", 10, 10),
            ("Koniec", 11, 11),
        ]
    );
}

#[test]
fn asciidoc_titles_are_units_of_their_own() {
    // A long title followed at once by a line of prose would otherwise run into it.
    let t = "== Scarabs colon-izing vulnerable servers – Indicators of Compromise of the campaign
             the samples below were seen in 2024 and are listed with their SHA-1 hashes.
             |====
| A | B";
    assert_eq!(
        split(t),
        [
            "== Scarabs colon-izing vulnerable servers – Indicators of Compromise of the campaign",
            "the samples below were seen in 2024 and are listed with their SHA-1 hashes.",
            "| A | B",
        ]
    );
    assert!(!is_asciidoc_title("======= seven levels"));
    assert!(!is_asciidoc_title("=x"));
}

#[test]
fn short_unterminated_lines_are_units() {
    let t = "Komenda Stołeczna Policji\nWydział Kryminalny\nSprawca uciekł w kierunku \
             dworca i nie został zatrzymany przez patrol.";
    assert_eq!(
        split(t),
        [
            "Komenda Stołeczna Policji",
            "Wydział Kryminalny",
            "Sprawca uciekł w kierunku dworca i nie został zatrzymany przez patrol.",
        ]
    );
}

#[test]
fn wrapped_prose_with_capitalised_words_stays_whole() {
    let t = "Der Beschuldigte wurde gestern in der Wohnung seiner Schwester in der\n\
             Berliner Straße festgenommen, nachdem die Polizei einen Hinweis aus der\n\
             Bevölkerung erhalten hatte.";
    assert_eq!(split(t).len(), 1);
}

#[test]
fn double_spaced_wrapped_text_keeps_sentences_whole() {
    let prose = "1. The case was referred to the Court on 8 March 1991 by the\n\n\
                 European Commission of Human Rights, within the three-month\n\n\
                 period laid down by the Convention. It originated in an\n\n\
                 application against the Italian Republic lodged by an Italian\n\n\
                 national, Mrs Silvana Nibbio, on 3 April 1987.\n\n\
                 PROCEDURE\n\n\
                 2. The applicant stated that she wished to take part in the\n\n\
                 proceedings and designated the lawyer who would represent her\n\n\
                 before the Court.\n\n\
                 3. On 23 April 1991 the President of the Court decided that\n\n\
                 the cases should be heard by the same Chamber.\n";
    let got = split_sentences(prose);
    let texts: Vec<String> = got
        .iter()
        .map(|s| {
            s.text(prose)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        texts,
        [
            "1. The case was referred to the Court on 8 March 1991 by the European \
             Commission of Human Rights, within the three-month period laid down by the \
             Convention.",
            "It originated in an application against the Italian Republic lodged by an \
             Italian national, Mrs Silvana Nibbio, on 3 April 1987.",
            "PROCEDURE",
            "2. The applicant stated that she wished to take part in the proceedings and \
             designated the lawyer who would represent her before the Court.",
            "3. On 23 April 1991 the President of the Court decided that the cases should \
             be heard by the same Chamber.",
        ]
    );
    assert_eq!((got[1].line_start, got[1].line_end), (5, 9));

    // One paragraph per line with blank lines between: every blank line still ends a unit.
    let paragraphs: String = (0..10)
        .map(|i| format!("SECTION {i}\n\nThe witness saw the van at {i} o'clock.\n\n"))
        .collect();
    assert_eq!(split_sentences(&paragraphs).len(), 20);
}

#[test]
fn multibyte_spans_and_cjk() {
    let t = "Zażółć gęślą jaźń. Łódź — źdźbło.\r\n警察が到着した。犯人は逃げた。";
    let s = split_sentences(t);
    let texts: Vec<&str> = s.iter().map(|x| x.text(t)).collect();
    assert_eq!(
        texts,
        [
            "Zażółć gęślą jaźń.",
            "Łódź — źdźbło.",
            "警察が到着した。",
            "犯人は逃げた。"
        ]
    );
    assert_eq!((s[2].line_start, s[3].line_end), (2, 2));
    for x in &s {
        assert_eq!(&t[x.byte_start..x.byte_end], x.text(t));
    }
}

#[test]
fn full_width_stop_then_latin_and_street_types() {
    assert_eq!(split("逃げた。abc. Def"), ["逃げた。", "abc.", "Def"]);
    assert_eq!(
        split("Lights on Elm Ave. The snow fell. He lives in Haupt Str. 5 in Berlin."),
        [
            "Lights on Elm Ave.",
            "The snow fell.",
            "He lives in Haupt Str. 5 in Berlin."
        ]
    );
}

proptest::proptest! {
    #[test]
    fn spans_are_ordered_and_keep_every_word(
        s in "[a-zA-ZąęŻ0-9 .!?…\n\"():,;。-]{0,200}"
    ) {
        let sentences = split_sentences(&s);
        let mut last_end = 0;
        let mut kept = String::new();
        for x in &sentences {
            proptest::prop_assert!(last_end <= x.byte_start && x.byte_start < x.byte_end);
            proptest::prop_assert!(x.line_start <= x.line_end);
            proptest::prop_assert_eq!(x.text(&s), x.text(&s).trim());
            kept.extend(x.text(&s).chars().filter(|c| c.is_alphanumeric()));
            last_end = x.byte_end;
        }
        let all: String = s.chars().filter(|c| c.is_alphanumeric()).collect();
        proptest::prop_assert_eq!(kept, all);
    }
}

#[test]
fn unpunctuated_blob_is_cut_into_bounded_units() {
    let blob = "słowo ".repeat(2000);
    let s = split_sentences(&blob);
    assert!(s.len() > 10);
    assert!(
        s.iter()
            .all(|x| x.byte_end - x.byte_start <= MAX_UNIT_BYTES)
    );
    let words: usize = s
        .iter()
        .map(|x| x.text(&blob).split_whitespace().count())
        .sum();
    assert_eq!(words, 2000);
}

#[test]
fn empty_and_punctuation_only() {
    assert!(split_sentences("").is_empty());
    assert!(split_sentences("  \n\n ---- \n").is_empty());
    assert_eq!(
        split("One sentence without a stop"),
        ["One sentence without a stop"]
    );
}

#[test]
fn domains_and_decimals_do_not_split() {
    assert_eq!(
        split("Visit example.com for 2.5 GB. The v1.2 build works."),
        ["Visit example.com for 2.5 GB.", "The v1.2 build works."]
    );
    assert_eq!(
        split("It happened in 2019. 35 people came."),
        ["It happened in 2019.", "35 people came."]
    );
}

#[test]
fn fenced_code_is_not_a_sentence() {
    let text = "Run the summary first.\n\n```sh\nava summarize report.txt\n# prints the key sentences. Then exit.\n```\n\nThe output cites its lines.\n";
    assert_eq!(
        split(text),
        ["Run the summary first.", "The output cites its lines."]
    );
    // A stray fence that never closes does not swallow the rest of the document.
    assert_eq!(
        split("Before.\n\n```\nThe suspect left at 9.\n"),
        ["Before.", "The suspect left at 9."]
    );
}

#[test]
fn a_block_without_blank_lines_is_split_in_bounded_pieces_without_cutting_sentences() {
    // 200 KB of one-line sentences and no blank line: one block, read in pieces.
    let line = "The suspect drove a red car down the street at night.\n";
    let text = line.repeat(200 * 1024 / line.len());
    let sentences = split_sentences(&text);
    assert_eq!(sentences.len(), text.lines().count());
    assert!(sentences.iter().all(|s| s.text(&text) == line.trim_end()));
    // A sentence wrapped over lines is not cut where a piece ends.
    let wrapped = "The suspect drove a red car\ndown the street at night.\n".repeat(4000);
    let sentences = split_sentences(&wrapped);
    assert_eq!(sentences.len(), 4000);
}

#[test]
fn a_chat_message_is_one_unit_with_its_sender() {
    let chat = "12.03.2024, 14:22 - Bartek: mam towar. będę o 20\n\
                12.03.2024, 14:23 - Kuba: ile?\n\
                [12.03.24, 14:24:05] Bartek: 14 500 za kilo.\n\
                to ostatnia cena\n";
    let units: Vec<&str> = split_sentences(chat).iter().map(|s| s.text(chat)).collect();
    assert_eq!(
        units,
        [
            "12.03.2024, 14:22 - Bartek: mam towar. będę o 20",
            "12.03.2024, 14:23 - Kuba: ile?",
            "[12.03.24, 14:24:05] Bartek: 14 500 za kilo.\nto ostatnia cena",
        ]
    );
}
