use super::*;
use std::io::Cursor;
use std::path::PathBuf;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-llama.gguf")
}

fn parse(bytes: &[u8]) -> Result<GgufInfo, GgufError> {
    parse_gguf_header(Cursor::new(bytes), bytes.len() as u64)
}

/// A minimal GGUF v3 file built by hand: KV pairs then tensor infos and data.
fn build(kvs: &[(&str, u32, Vec<u8>)], tensors: &[(&str, &[u64], u32)]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"GGUF");
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&(tensors.len() as u64).to_le_bytes());
    b.extend_from_slice(&(kvs.len() as u64).to_le_bytes());
    for (k, ty, v) in kvs {
        b.extend_from_slice(&(k.len() as u64).to_le_bytes());
        b.extend_from_slice(k.as_bytes());
        b.extend_from_slice(&ty.to_le_bytes());
        b.extend_from_slice(v);
    }
    let mut offset = 0u64;
    let mut data = 0u64;
    for (name, dims, ty) in tensors {
        b.extend_from_slice(&(name.len() as u64).to_le_bytes());
        b.extend_from_slice(name.as_bytes());
        b.extend_from_slice(&(dims.len() as u32).to_le_bytes());
        for d in *dims {
            b.extend_from_slice(&d.to_le_bytes());
        }
        b.extend_from_slice(&ty.to_le_bytes());
        b.extend_from_slice(&offset.to_le_bytes());
        let (blk, sz) = ggml_block(*ty).unwrap();
        let n = dims.iter().product::<u64>() / blk * sz;
        offset += n.div_ceil(32) * 32;
        data = offset;
    }
    let aligned = b.len().div_ceil(32) * 32;
    b.resize(aligned + data as usize, 0);
    b
}

fn s(v: &str) -> Vec<u8> {
    let mut b = (v.len() as u64).to_le_bytes().to_vec();
    b.extend_from_slice(v.as_bytes());
    b
}

#[test]
fn reads_fixture_header() {
    let info = read_gguf_info(&fixture()).unwrap();
    assert_eq!(info.architecture, "llama");
    assert_eq!(info.name.as_deref(), Some("tiny-llama"));
    assert_eq!(info.context_length, Some(256));
    assert!(info.has_chat_template);
    assert_eq!(info.quantization, "F32");
    assert_eq!(info.tensor_count, 21);
    assert_eq!(info.vocab_size, Some(292));
    // 2 × 292 × 64 embeddings/output + 2 layers × (64×64×2 + 32×64×2 + 3×64×128 + 2×64) + 64
    assert_eq!(
        info.parameter_count,
        2 * 292 * 64 + 2 * (8192 + 4096 + 24576 + 128) + 64
    );
    let base = fixture().with_file_name("tiny-llama-base.gguf");
    assert!(!read_gguf_info(&base).unwrap().has_chat_template);
}

#[test]
fn synthetic_header_and_quant_from_tensor_types() {
    let bytes = build(
        &[
            ("general.architecture", 8, s("qwen2")),
            ("qwen2.context_length", 4, 32768u32.to_le_bytes().to_vec()),
            ("llama.context_length", 4, 7u32.to_le_bytes().to_vec()),
            ("tokenizer.chat_template", 8, s("{{x}}")),
        ],
        &[
            ("a", &[256, 4], 12),
            ("b", &[256, 8], 12),
            ("norm", &[256], 0),
        ],
    );
    let info = parse(&bytes).unwrap();
    assert_eq!(info.architecture, "qwen2");
    assert_eq!(info.context_length, Some(32768));
    assert_eq!(info.parameter_count, 256 * 12 + 256);
    assert_eq!(info.quantization, "Q4_K");
    assert!(info.has_chat_template);
}

#[test]
fn rejects_bad_headers_without_panicking() {
    assert!(matches!(parse(b""), Err(GgufError::NotGguf(_))));
    assert!(matches!(parse(b"GGML\0\0\0\0"), Err(GgufError::NotGguf(_))));
    let mut v1 = b"GGUF".to_vec();
    v1.extend_from_slice(&1u32.to_le_bytes());
    assert!(matches!(parse(&v1), Err(GgufError::UnsupportedVersion(1))));

    // A string length of u64::MAX must not allocate.
    let mut huge = b"GGUF".to_vec();
    huge.extend_from_slice(&3u32.to_le_bytes());
    huge.extend_from_slice(&0u64.to_le_bytes());
    huge.extend_from_slice(&1u64.to_le_bytes());
    huge.extend_from_slice(&u64::MAX.to_le_bytes());
    huge.extend_from_slice(&[0u8; 16]);
    assert!(matches!(parse(&huge), Err(GgufError::Truncated(_))));

    // Absurd counts.
    let mut counts = b"GGUF".to_vec();
    counts.extend_from_slice(&3u32.to_le_bytes());
    counts.extend_from_slice(&u64::MAX.to_le_bytes());
    counts.extend_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(parse(&counts), Err(GgufError::Truncated(_))));

    // No architecture.
    let bytes = build(&[("general.name", 8, s("x"))], &[]);
    assert!(matches!(parse(&bytes), Err(GgufError::Corrupt(_))));

    // Array of u32 claiming 2^62 elements.
    let mut arr = 4u32.to_le_bytes().to_vec();
    arr.extend_from_slice(&(1u64 << 62).to_le_bytes());
    let bytes = build(
        &[("general.architecture", 8, s("llama")), ("x", 9, arr)],
        &[],
    );
    assert!(parse(&bytes).is_err());

    // Dimensions whose product overflows.
    let bytes = build(&[("general.architecture", 8, s("llama"))], &[]);
    let mut t = bytes[..bytes.len()].to_vec();
    t[8..16].copy_from_slice(&1u64.to_le_bytes());
    t.extend_from_slice(&s("w"));
    t.extend_from_slice(&2u32.to_le_bytes());
    t.extend_from_slice(&u64::MAX.to_le_bytes());
    t.extend_from_slice(&u64::MAX.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(&0u64.to_le_bytes());
    assert!(parse(&t).is_err());
}

#[test]
fn every_truncation_of_the_fixture_is_an_error() {
    let bytes = fs::read(fixture()).unwrap();
    // Every prefix length inside the header, then coarse steps through the weights.
    let header_end = 12_000.min(bytes.len());
    let cuts = (0..header_end).chain((header_end..bytes.len()).step_by(4093));
    for cut in cuts {
        assert!(
            parse(&bytes[..cut]).is_err(),
            "prefix of {cut} bytes parsed"
        );
    }
    assert!(parse(&bytes).is_ok());
}

#[test]
fn random_bytes_never_panic() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let good = fs::read(fixture()).unwrap();
    for _ in 0..300 {
        let mut b = good[..4096].to_vec();
        for _ in 0..8 {
            let i = rng.random_range(4..b.len());
            b[i] = rng.random();
        }
        let _ = parse(&b);
        let noise: Vec<u8> = (0..rng.random_range(0..512))
            .map(|_| rng.random())
            .collect();
        let _ = parse(&noise);
    }
}
