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
    })
}

/// HTML to text; also used for e-mail bodies that only come as HTML.
pub fn to_text(html: &str) -> Result<String, String> {
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
