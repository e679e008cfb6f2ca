//! "Did you mean …?" for names a user typed: templates, languages, settings. A typo is within
//! a few edits of the name meant; anything further is not guessed at.

/// The candidate closest to `typed` (ignoring case), if it is close enough to be a typo.
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.trim().to_lowercase();
    let allowed = (typed.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&typed, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= allowed)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_the_name_meant_and_nothing_else_is_guessed() {
        let names = ["entities", "iocs", "timeline", "contacts"];
        assert_eq!(closest("entitys", names), Some("entities"));
        assert_eq!(closest("Timelime", names), Some("timeline"));
        assert_eq!(closest("summary", names), None);
        assert_eq!(closest("englsh", ["English", "Polish"]), Some("English"));
        assert_eq!(closest("klingonese", ["English", "Polish"]), None);
    }
}
