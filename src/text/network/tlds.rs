//! Which top-level domains make a bare "name.tld" a domain name rather than a file name, an
//! abbreviation or a typo at a sentence break ("home.It was").

use std::sync::LazyLock;

/// Every two-letter country-code TLD, plus "eu", "su" and "uk".
const COUNTRY: &str = "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi \
    bj bm bn bo bq br bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de \
    dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr \
    gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn \
    kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms \
    mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps \
    pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su sv sx sy sz \
    tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws \
    ye yt za zm zw";

/// Generic TLDs: the original ones and the newer ones common in abuse and fraud reports.
const GENERIC: &str = "com net org info biz edu gov mil int name pro mobi aero asia cat coop jobs \
    museum tel travel xxx onion xyz top online site shop club app dev link live store tech \
    website space icu vip win bid loan work cloud fun press host email digital network group \
    life world today news blog page one ltd company agency services support solutions systems \
    zone global art design media studio social chat click trade review racing party stream men \
    cam buzz monster rest bar lol quest sbs cfd bond cyou best uno help guru gdn kim wang ren \
    finance money bank cash exchange market capital fund investments crypto casino bet games \
    game poker tokyo moscow berlin paris london wien amsterdam";

/// Country codes that are also common file extensions or abbreviations ("main.rs", "lib.so",
/// "m.in."): with only two labels they are taken for a domain when defanged.
const AMBIGUOUS: &[&str] = &[
    "ai", "cc", "cs", "id", "in", "md", "mk", "ml", "pm", "ps", "py", "rs", "sh", "so", "tf", "ts",
];

/// Sorted, for a binary search: it runs for every "word.word" in a text (file names,
/// abbreviations, numbers), where hashing costs more than the few comparisons.
static TLDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut tlds: Vec<&str> = COUNTRY
        .split_whitespace()
        .chain(GENERIC.split_whitespace())
        .collect();
    tlds.sort_unstable();
    tlds
});

/// Whether `tld` (as written) ends a plausible domain of `labels` labels. Mixed case ("home.It")
/// is a missing space after a full stop, not a domain. A defanged name ("evil[.]zip") was
/// marked as a domain by whoever wrote it, so any TLD goes.
pub(super) fn plausible_tld(tld: &str, labels: usize, defanged: bool) -> bool {
    let lower = tld.to_lowercase();
    if tld != lower && tld != tld.to_uppercase() {
        return false;
    }
    defanged
        || TLDS.binary_search(&lower.as_str()).is_ok()
            && (labels > 2 || !AMBIGUOUS.contains(&lower.as_str()))
}
