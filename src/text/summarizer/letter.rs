//! Cover letters in front of a report: "Dear Chief …, enclosed please find our annual report …
//! Yours sincerely". A report converted from PDF often starts with its transmittal letter, whose
//! sentences are central (they name the report and its subject) and sit where the position
//! prior is highest, so without this check they fill a summary instead of the report's facts.

/// A letter opens (salutation or transmittal phrase) within this many leading units.
const MAX_OPENING_UNIT: usize = 15;
/// A closing formula is a short unit: "Yours sincerely,", "Z poważaniem".
const MAX_CLOSING_WORDS: usize = 12;
/// A letter is at most this many units long.
const MAX_LETTER_UNITS: usize = 80;

/// Openings of a letter, compared case-insensitively with the start of a unit.
const SALUTATIONS: &[&str] = &[
    "dear ",
    "sehr geehrte",
    "szanowni państwo",
    "szanowny pan",
    "szanowna pani",
    "madame, monsieur",
    "madame, messieurs",
    "monsieur,",
    "madame,",
    "mesdames",
    "estimado",
    "estimada",
    "muy señor",
];

/// Phrases of a transmittal note ("Enclosed please find …"), which may come without a
/// salutation (a memo with To/From/Subject lines).
const TRANSMITTALS: &[&str] = &[
    "enclosed please find",
    "please find enclosed",
    "please find attached",
    "enclosed is ",
    "i am pleased to submit",
    "i am pleased to present",
    "i have the honour to transmit",
    "w załączeniu przesyłam",
    "w załączeniu przekazuję",
    "anbei übersende",
    "anbei erhalten sie",
    "in der anlage übersende",
    "veuillez trouver ci-joint",
    "je vous prie de trouver ci-joint",
    "adjunto le remito",
    "adjunto remito",
];

/// Closing formulas that end a letter, compared with the start of a short unit.
const CLOSINGS: &[&str] = &[
    "yours sincerely",
    "sincerely",
    "yours faithfully",
    "yours truly",
    "respectfully submitted",
    "respectfully",
    "kind regards",
    "best regards",
    "with best regards",
    "z poważaniem",
    "z wyrazami szacunku",
    "mit freundlichen grüßen",
    "mit freundlichem gruß",
    "hochachtungsvoll",
    "veuillez agréer",
    "je vous prie d'agréer",
    "cordialement",
    "atentamente",
    "le saluda atentamente",
];

/// Number of leading units that form a cover letter (from the first unit to its closing
/// formula), or 0 when the text does not open with one. A text that is a letter and nothing
/// else is not a cover letter: the letter must end before the middle of the text.
/// Of the `n` units (`unit(i)` is unit `i`) only the first `MAX_OPENING_UNIT +
/// MAX_LETTER_UNITS` are read: the units stay byte spans in the text, no copy is made.
pub(super) fn cover_letter_units<'a>(n: usize, unit: impl Fn(usize) -> &'a str) -> usize {
    let lower = |u: &str| u.trim_start().to_lowercase();
    let Some(open) = (0..n.min(MAX_OPENING_UNIT)).find(|&i| {
        let l = lower(unit(i));
        SALUTATIONS.iter().any(|s| l.starts_with(s)) || TRANSMITTALS.iter().any(|t| l.contains(t))
    }) else {
        return 0;
    };
    let close = (open + 1..n)
        .take(MAX_LETTER_UNITS)
        .map(|i| (i, unit(i)))
        .find(|(_, u)| {
            u.split_whitespace().count() <= MAX_CLOSING_WORDS && {
                let l = lower(u);
                // "Yours sincerely," / "Z poważaniem" — but not "Sincerely held beliefs…".
                CLOSINGS.iter().any(|c| {
                    l.strip_prefix(c).is_some_and(|rest| {
                        let rest = rest.trim_start();
                        rest.is_empty() || rest.starts_with([',', '.', '!', ':', ';'])
                    })
                })
            }
        })
        .map(|(i, _)| i);
    match close {
        Some(c) if (c + 1) * 2 <= n => c + 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The letter of units given as a slice.
    fn found(units: &[&str]) -> usize {
        cover_letter_units(units.len(), |i| units[i])
    }

    #[test]
    fn a_letter_before_a_report_is_found_up_to_its_closing() {
        let units = [
            "CITY OF SPRINGFIELD POLICE DEPARTMENT",
            "March 3, 2024",
            "Dear Mayor Quimby:",
            "Enclosed please find the Department's annual report for 2023.",
            "The men and women of this department have earned a national reputation.",
            "Yours sincerely,",
            "Chief Clancy Wiggum",
            "ANNUAL REPORT 2023",
            "Burglaries fell by 12 % to 341 cases.",
            "Officers arrested 1,204 people, 87 of them for robbery.",
            "Two homicides were cleared.",
            "The drug unit seized 14 kg of cocaine in June.",
            "Response times fell to 6 minutes.",
            "Staffing rose to 212 sworn officers.",
            "The budget was 41 million dollars.",
        ];
        assert_eq!(found(&units), 6);
    }

    #[test]
    fn polish_and_german_letters() {
        let mut pl = vec![
            "Szanowni Państwo,",
            "w załączeniu przesyłam sprawozdanie.",
            "Z poważaniem",
        ];
        pl.extend(["Zdanie raportu."; 6]);
        assert_eq!(found(&pl), 3);
        let mut de = vec![
            "Sehr geehrte Damen und Herren,",
            "anbei erhalten Sie den Bericht.",
            "Mit freundlichen Grüßen",
        ];
        de.extend(["Ein Satz des Berichts."; 6]);
        assert_eq!(found(&de), 3);
    }

    #[test]
    fn a_text_that_is_only_a_letter_or_no_letter_at_all_has_none() {
        let letter = [
            "Dear Sir,",
            "Your car was seen at the scene on 3 May.",
            "Please call us.",
            "Yours faithfully,",
            "PC Smith",
        ];
        assert_eq!(found(&letter), 0);
        let report = [
            "Police arrested two men on Friday.",
            "Sincerely held beliefs were not a defence, the court said.",
            "The men were charged.",
            "They appear in court on Monday.",
        ];
        assert_eq!(found(&report), 0);
    }
}
