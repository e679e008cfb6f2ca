use super::*;

fn texts(chosen: &[ChosenSentence]) -> Vec<&str> {
    chosen.iter().map(|c| c.text.as_str()).collect()
}

#[test]
fn target_sentence_counts() {
    assert_eq!(target_sentences(Length::Short, 100), 3);
    assert_eq!(target_sentences(Length::Short, 2), 2);
    assert_eq!(target_sentences(Length::Medium, 20), 5);
    assert_eq!(target_sentences(Length::Medium, 80), 8);
    assert_eq!(target_sentences(Length::Medium, 1000), 12);
    assert_eq!(target_sentences(Length::Long, 20), 10);
    assert_eq!(target_sentences(Length::Long, 80), 16);
    assert_eq!(target_sentences(Length::Long, 1000), 30);
    assert_eq!(target_sentences(Length::Long, 4), 4);
}

#[test]
fn empty_and_single_sentence() {
    assert!(summarize("", 1, Length::Short).is_empty());
    assert!(summarize(" \n\n\t", 1, Length::Long).is_empty());
    let one = summarize("The suspect fled on foot.", 7, Length::Medium);
    assert_eq!(texts(&one), ["The suspect fled on foot."]);
    assert_eq!((one[0].line_start, one[0].line_end), (7, 7));
    assert!((one[0].score - 1.0).abs() < 1e-12);
}

#[test]
fn most_central_sentence_is_chosen() {
    // The fourth sentence shares terms with every other; the rest share little.
    let text = "The weather in the valley was cold and windy all morning.\n\
                A blue van was parked near the bank entrance since dawn.\n\
                Witnesses heard an alarm ringing inside the bank building.\n\
                Two masked robbers left the bank with cash, jumped into the blue van, and \
                drove away while the alarm kept ringing and witnesses watched.\n\
                The robbers wore masks and gloves.\n\
                Police collected the cash bags later.\n\
                Local football results were announced in the evening.\n";
    let chosen = summarize(text, 1, Length::Short);
    assert_eq!(chosen.len(), 3);
    assert!(
        texts(&chosen)
            .iter()
            .any(|t| t.starts_with("Two masked robbers")),
        "{chosen:#?}"
    );
    let best = chosen
        .iter()
        .max_by(|a, b| a.score.total_cmp(&b.score))
        .map(|c| c.text.as_str());
    assert!(best.is_some_and(|t| t.starts_with("Two masked robbers")));
    assert!(!texts(&chosen).iter().any(|t| t.contains("football")));
}

#[test]
fn near_duplicates_are_not_both_chosen() {
    let text = "Jan Kowalski ukradł czerwony rower spod sklepu przy ulicy Długiej.\n\
                Jan Kowalski ukradł czerwony rower spod sklepu przy ulicy Długiej w Gdańsku.\n\
                Rower należał do Anny Nowak, która zgłosiła kradzież na policję.\n\
                Policja odnalazła rower w piwnicy Kowalskiego po dwóch dniach.\n\
                Kowalski przyznał się do kradzieży roweru podczas przesłuchania.\n\
                Sprawa trafi do sądu rejonowego w Gdańsku.\n";
    let chosen = summarize(text, 1, Length::Medium);
    let dups = texts(&chosen)
        .iter()
        .filter(|t| t.starts_with("Jan Kowalski ukradł czerwony rower"))
        .count();
    assert_eq!(dups, 1, "{chosen:#?}");
    // With the duplicate gone every other sentence fits in a medium summary.
    assert_eq!(chosen.len(), 5);
}

#[test]
fn line_numbers_are_absolute_and_output_in_document_order() {
    let text = "Intro line that is rather unimportant here.\n\
                \n\
                The stolen car, a grey Skoda, was found\n\
                abandoned near the river on Monday.\n\
                The grey Skoda had been stolen from a car park on Friday.\n\
                Police examined the Skoda for fingerprints near the river.\n";
    let chosen = summarize(text, 100, Length::Long);
    let lines: Vec<(usize, usize)> = chosen.iter().map(|c| (c.line_start, c.line_end)).collect();
    assert_eq!(lines, [(100, 100), (102, 103), (104, 104), (105, 105)]);
    assert_eq!(
        chosen[1].text,
        "The stolen car, a grey Skoda, was found abandoned near the river on Monday."
    );
    let starts: Vec<usize> = chosen.iter().map(|c| c.byte_start).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        format_line(&chosen[1]),
        "The stolen car, a grey Skoda, was found abandoned near the river on Monday. [L102-103]"
    );
    assert!(
        format_summary(&chosen)
            .starts_with("Intro line that is rather unimportant here. [L100]\nThe stolen car")
    );
}

#[test]
fn repeated_boilerplate_is_not_chosen() {
    // A running header repeated on every page shares terms with everything, so it is
    // central; it still says nothing about this case.
    let header = "Regional Police Headquarters, Criminal Division, case file of the theft.";
    let body = [
        "The theft of the van was reported by the driver on Monday at the depot.",
        "The driver said the van held forty laptops when it left the depot.",
        "Cameras at the depot recorded two men loading the laptops into a car.",
        "The car was found burnt near the river on Tuesday.",
        "Two men were arrested on Friday and the laptops were recovered.",
        "The case file of the theft was sent to the prosecutor.",
    ];
    let text: String = body.iter().map(|b| format!("{header}\n{b}\n")).collect();
    let chosen = summarize(&text, 1, Length::Short);
    assert_eq!(chosen.len(), 3);
    assert!(!texts(&chosen).contains(&header), "{chosen:#?}");
}

#[test]
fn concluding_ruling_is_chosen() {
    // Procedure first, argument in the middle, the ruling after "FOR THESE REASONS": the
    // lead prior alone would never reach it.
    let mut text = String::from(
        "The case was referred to the Court by the Commission on 12 July 1991.\n             The President of the Court decided that the Chamber would sit in public.\n             The Registrar received the memorials of the Government and of the applicant.\n",
    );
    let topics = [
        "ransom",
        "kidnapping",
        "telephone taps",
        "witnesses",
        "bank records",
    ];
    for i in 0..30 {
        let topic = topics[i % topics.len()];
        text.push_str(&if i % 2 == 0 {
            format!(
                "The applicant argued that his detention on remand for {} months while \
                 the {topic} were examined breached Article 5 para. 3.\n",
                i + 2
            )
        } else {
            format!(
                "The Government replied that the inquiry into the {topic} was complex \
                 and that the length of the detention was justified.\n"
            )
        });
    }
    text.push_str(
        "FOR THESE REASONS, THE COURT UNANIMOUSLY\n             Holds that the detention breached Article 5 para. 3 and awards 4,800 euros.\n             Done at a public hearing in Strasbourg.\n",
    );
    let chosen = summarize(&text, 1, Length::Short);
    assert!(
        texts(&chosen)
            .iter()
            .any(|t| t.starts_with("Holds that the detention breached")),
        "{chosen:#?}"
    );
    assert!(!texts(&chosen).iter().any(|t| t.starts_with("FOR THESE")));
}

#[test]
fn sentences_about_the_title_subject_are_preferred() {
    let mut text = String::from("ROBBERY OF THE KOWALSKI JEWELLERY SHOP\n\n");
    let places = [
        "parked cars",
        "bars",
        "a petrol station",
        "bus stops",
        "a car park",
    ];
    for (i, place) in places.iter().enumerate() {
        text.push_str(&format!(
            "Officers on patrol in the district checked {place} that evening, shift {i}.\n"
        ));
        if i == 2 {
            text.push_str("The Kowalski jewellery shop was robbed by two armed men.\n");
        }
    }
    let chosen = summarize(&text, 1, Length::Short);
    assert!(
        texts(&chosen)
            .iter()
            .any(|t| t.starts_with("The Kowalski jewellery shop")),
        "{chosen:#?}"
    );
    assert!(!texts(&chosen).iter().any(|t| t.starts_with("ROBBERY")));
}

#[test]
fn short_summary_prefers_order_and_is_deterministic() {
    let text: String = (0..200)
        .map(|i| {
            format!(
                "Sentence number {i} mentions topic{} and topic{} with shared context words.\n",
                i % 7,
                i % 11
            )
        })
        .collect();
    let a = summarize(&text, 1, Length::Medium);
    let b = summarize(&text, 1, Length::Medium);
    assert_eq!(a, b);
    assert_eq!(a.len(), 12);
    assert!(a.windows(2).all(|w| w[0].line_start < w[1].line_start));
}

proptest::proptest! {
    #[test]
    fn any_text_gives_ordered_in_range_summaries(
        words in proptest::collection::vec(
            "(police|car|bank|van|cash|Mr\\.|r\\.|ul\\.|\\.|\\n|\\n\\n|- |[0-9]{1,4}|ąę)",
            0..120,
        ),
        first_line in 1usize..1000,
    ) {
        let text = words.join(" ");
        let total_lines = text.matches('\n').count() + 1;
        let chosen = summarize(&text, first_line, Length::Medium);
        proptest::prop_assert!(chosen.len() <= 12);
        for c in &chosen {
            proptest::prop_assert!(first_line <= c.line_start && c.line_start <= c.line_end);
            proptest::prop_assert!(c.line_end < first_line + total_lines);
            proptest::prop_assert!(!c.text.contains('\n'));
            proptest::prop_assert!((0.0..=1.0).contains(&c.score));
        }
        proptest::prop_assert!(chosen.windows(2).all(|w| w[0].byte_start < w[1].byte_start));
    }
}

#[test]
fn scales_to_large_inputs() {
    // 20 000 sentences: quadratic work would not finish; the speed itself is measured in
    // benches/builtin.rs and bench/summarize_vs_sumy.py, not here.
    let text: String = (0..20_000)
        .map(|i| {
            format!(
                "Record {i} shows account a{} paid vendor v{} in cash.\n",
                i % 97,
                i % 89
            )
        })
        .collect();
    let chosen = summarize(&text, 1, Length::Long);
    assert_eq!(chosen.len(), 30);
}

#[test]
fn a_cover_letter_does_not_fill_the_summary_of_the_report_behind_it() {
    // The letter talks about the report in the report's own words, so it is central, and it
    // comes first; the report's facts must still win.
    let text = "SPRINGFIELD POLICE DEPARTMENT\n\
                Office of the Chief of Police\n\n\
                Dear Mayor Quimby and members of the City Council,\n\n\
                Enclosed please find the annual report of the Springfield Police Department for 2023.\n\
                The report describes the work of every division of the department during the year.\n\
                The officers of the department have earned a national reputation for their work in every division.\n\
                I thank the City Council for its support of the department and its officers this year.\n\n\
                Yours sincerely,\n\
                Clancy Wiggum, Chief of Police\n\n\
                ANNUAL REPORT 2023\n\n\
                Burglaries in Springfield fell by 12 % to 341 cases in 2023, the lowest figure in a decade.\n\
                The robbery division arrested 87 suspects and cleared 64 % of its cases.\n\
                The drug unit seized 14 kg of cocaine at the Springfield harbour on 3 June 2023.\n\
                Two homicides were reported in 2023; both suspects were arrested within a week.\n\
                The department answered 58,210 emergency calls, on average within 6 minutes.\n\
                Staffing of the department rose to 212 sworn officers and 40 civilian employees.\n\
                The department's budget for 2023 was 41 million dollars, 3 % more than in 2022.\n\
                Traffic officers issued 9,400 citations and investigated 1,120 collisions.\n\
                The cyber unit opened 310 fraud cases, most of them romance and investment scams.\n\
                The division reports of the department follow on the next pages of this report.\n";
    let chosen = summarize(text, 1, Length::Short);
    let got = texts(&chosen);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(
        chosen.iter().all(|c| c.line_start >= 13),
        "a cover-letter line was chosen: {got:?}"
    );
}

#[test]
fn a_sentence_repeating_the_figures_already_chosen_gives_way_to_one_with_new_figures() {
    // The second and third units share no term with the first (numbers under three digits
    // are not terms), so the cosine cannot tell them apart; only the third adds facts.
    let text = "Police seized 40 kg of cocaine and 12 guns in the port.\n\
                A later report lists 40 and 12 as the final figures.\n\
                A later report lists 75 and 31 as the final figures.\n";
    let units = Units::split(text);
    let (vocabulary, _) = tfidf_vectors(&units);
    let entities = salience::Entities::new(units.iter(), units.len());
    // Relevance alone would take the second unit: 0.7 · 0.9 > 0.7 · 0.85.
    let chosen = select_mmr(&[1.0, 0.9, 0.85], &units, &vocabulary, &entities, 2);
    assert_eq!(chosen, [0, 2]);
    // A unit without key entities has nothing to repeat and keeps its relevance.
    let text = "Police seized 40 kg of cocaine and 12 guns in the port.\n\
                A later report praised the work of the customs officers.\n\
                A later report lists 75 and 31 as the final figures.\n";
    let units = Units::split(text);
    let (vocabulary, _) = tfidf_vectors(&units);
    let entities = salience::Entities::new(units.iter(), units.len());
    let chosen = select_mmr(&[1.0, 0.9, 0.85], &units, &vocabulary, &entities, 2);
    assert_eq!(chosen, [0, 1]);
}

#[test]
fn a_sentence_naming_the_defendant_once_is_preferred_to_the_same_without_names() {
    // A press release names the defendant once; the sentence without the name is more
    // central (its words are all shared), so only the names can tell the two apart.
    let text = "A contractor has been sentenced for stealing the wages of his workers on public contracts, the district attorney announced today.\n\
                The contractor paid his workers half the prevailing wage on public contracts for two years.\n\
                The contractor, Robert Sardina of Goshen, paid his workers half the prevailing wage on public contracts.\n\
                The investigation began after workers of the contractor complained to the district attorney about their wages.\n\
                The district attorney thanked the investigators of the labor bureau for their work on the case of the workers.\n\
                Workers who believe the contractor paid them less than the prevailing wage should call the district attorney.\n";
    let chosen = summarize(text, 1, Length::Short);
    assert!(
        texts(&chosen).iter().any(|t| t.contains("Robert Sardina")),
        "{chosen:#?}"
    );
}
