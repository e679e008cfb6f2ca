#![no_main]
// The odt decoder on arbitrary bytes: it may refuse them, never panic or hang.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ava::source::fuzz_decode(ava::source::Format::Odt, data);
});
