#![no_main]
// The pdf decoder on arbitrary bytes: it may refuse them, never panic or hang.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ava::source::fuzz_decode(ava::source::Format::Pdf, data);
});
