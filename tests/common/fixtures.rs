//! Fixture builders shared by tests/inputs.rs and benches/inputs.rs: a PDF written by hand
//! (correct xref offsets), zip archives (DOCX/ODT), base64 for e-mail bodies.
#![allow(dead_code)]

use std::io::Write;

/// A minimal PDF: Helvetica, one content stream per page, each line a `Tj`; a page with no
/// lines has no text layer (like a scan). Offsets in the xref table are computed.
pub fn pdf(pages: &[&[&str]]) -> Vec<u8> {
    let streams: Vec<String> = pages
        .iter()
        .map(|lines| {
            let mut content = String::new();
            if !lines.is_empty() {
                content.push_str("BT /F1 12 Tf 16 TL 72 720 Td\n");
                for l in lines.iter() {
                    let l = l
                        .replace('\\', "\\\\")
                        .replace('(', "\\(")
                        .replace(')', "\\)");
                    content.push_str(&format!("({l}) Tj T*\n"));
                }
                content.push_str("ET");
            }
            content
        })
        .collect();
    let refs: Vec<&str> = streams.iter().map(String::as_str).collect();
    pdf_streams(&refs)
}

/// A PDF whose pages have the given content streams (font `/F1` is Helvetica, WinAnsi).
pub fn pdf_streams(pages: &[&str]) -> Vec<u8> {
    let helvetica =
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    let pages: Vec<(usize, &str)> = pages.iter().map(|c| (0, *c)).collect();
    pdf_fonts_streams(&[helvetica], &pages)
}

/// A PDF with the given font dictionaries (objects 3, 4, …) whose pages each call font
/// number `i` of them `/F1` and have the given content stream.
pub fn pdf_fonts_streams(fonts: &[&str], pages: &[(usize, &str)]) -> Vec<u8> {
    let first_page = 3 + fonts.len();
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    let mut objs = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        ),
    ];
    objs.extend(fonts.iter().map(|f| f.to_string()));
    for (i, (font, content)) in pages.iter().enumerate() {
        objs.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {} 0 R >> >> /Contents {} 0 R >>",
            3 + font,
            first_page + 2 * i + 1
        ));
        objs.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        ));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}
