//! HTML: the page's text as a reader sees it, without scripts, styles and the site's
//! navigation; links keep their target as a numbered note. html2text (on Servo's html5ever
//! parser) does the layout; the CSS rule hides what is not the page's own content.

use super::{Extracted, Options};

/// Navigation, page furniture and forms are not the content a case is about.
const HIDE: &str = "nav, header, footer, aside, script, style, noscript, form, template, iframe, svg { display: none; }";

/// Wide enough that html2text never wraps a paragraph: lines stay as the page wrote them.
const WIDTH: usize = 100_000;

pub fn read(bytes: &[u8], opts: &Options) -> Result<Extracted, String> {
    let decoded = super::text::decode(bytes, opts);
    let text = to_text(&decoded.text)?;
    Ok(Extracted {
        text,
        origins: Vec::new(),
        warnings: decoded.warnings.clone(),
        encoding: Some(super::text::describe(&decoded)),
        // Laid-out text: its offsets have no counterpart in the markup's bytes.
        file_map: None,
    })
}

/// Elements nested deeper than this are not laid out by html2text (its work grows with the
/// depth: 100 000 nested `<div>`s stall it); such a page is read as plain text instead.
const MAX_NESTING: usize = 1000;

/// Time for laying out one page or e-mail body.
const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// HTML to text; also used for e-mail bodies that only come as HTML.
pub fn to_text(html: &str) -> Result<String, String> {
    if nesting(html) > MAX_NESTING {
        return Ok(strip_tags(html));
    }
    let owned = html.to_string();
    super::guard::timed("html", TIME_LIMIT, move || layout(&owned))
}

/// Deepest element nesting, estimated from the tags (void elements and `/>` do not open one;
/// unclosed `<p>`s count, which only errs on the safe side).
fn nesting(html: &str) -> usize {
    const VOID: &[&str] = &[
        "br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "param",
        "source", "track", "wbr", "!", "?",
    ];
    let b = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + p + 1;
        let end = b[start..]
            .iter()
            .position(|&c| c == b'>')
            .map_or(b.len(), |e| start + e);
        let tag = &html[start..end];
        if let Some(rest) = tag.strip_prefix('/') {
            if !rest.is_empty() {
                depth = depth.saturating_sub(1);
            }
        } else if !tag.ends_with('/') {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '?')
                .collect::<String>()
                .to_ascii_lowercase();
            let void = VOID
                .iter()
                .any(|v| name == *v || (v.len() == 1 && name.starts_with(v)));
            if !name.is_empty() && !void {
                depth += 1;
                max = max.max(depth);
            }
        }
        i = end.min(b.len());
        if i >= b.len() {
            break;
        }
    }
    max
}

/// Text of pathological HTML without layout: scripts and styles dropped, tags removed,
/// block ends as line breaks, the common entities decoded.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let Some(p) = html[i..].find('<') else {
            out.push_str(&html[i..]);
            break;
        };
        out.push_str(&html[i..i + p]);
        let start = i + p;
        let end = html[start..]
            .find('>')
            .map_or(html.len(), |e| start + e + 1);
        let tag = &lower[start..end];
        i = end;
        for skip in ["script", "style"] {
            if tag.starts_with(&format!("<{skip}")) {
                i = lower[end..]
                    .find(&format!("</{skip}"))
                    .map_or(html.len(), |e| end + e);
            }
        }
        let block = [
            "<br", "</p", "</div", "</tr", "</li", "</h", "</table", "</title",
        ];
        if block.iter().any(|b| tag.starts_with(b)) {
            out.push('\n');
        }
    }
    for (e, c) in [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ] {
        out = out.replace(e, c);
    }
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn layout(html: &str) -> Result<String, String> {
    let config = html2text::config::plain_no_decorate()
        .add_css(HIDE)
        .map_err(|e| format!("HTML: {e}"))?
        .link_footnotes(true)
        .no_table_borders();
    let text = config
        .string_from_read(html.as_bytes(), WIDTH)
        .map_err(|e| format!("HTML: {e}"))?;
    // html2text pads lines to the layout width in tables; trailing blanks carry nothing.
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pathological_nesting_is_read_without_layout() {
        let html = format!(
            "<html><body>{}x &amp; y{}</body></html>",
            "<div>".repeat(5000),
            "</div>".repeat(5000)
        );
        assert!(nesting(&html) > MAX_NESTING);
        assert_eq!(to_text(&html).unwrap(), "x & y\n");
        assert!(nesting("<p>a<br>b<img src=x/><p>c</p></p>") <= 2);
    }

    #[test]
    fn navigation_and_scripts_are_dropped_links_kept() {
        let html = "<html><head><style>p{}</style><script>var x=1;</script></head><body>\
            <nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>\
            <h1>Statement</h1><p>The witness saw a <a href='https://example.org/car'>blue car</a>.</p>\
            <footer>Copyright</footer></body></html>";
        let text = to_text(html).unwrap();
        assert!(text.contains("Statement"), "{text}");
        assert!(text.contains("blue car"), "{text}");
        assert!(text.contains("https://example.org/car"), "{text}");
        assert!(!text.contains("var x"), "{text}");
        assert!(!text.contains("About"), "{text}");
        assert!(!text.contains("Copyright"), "{text}");
    }
}
