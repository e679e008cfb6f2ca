//! Which CPU features the local engine was compiled for, and which this CPU has.
//!
//! llama-cpp-sys-2 compiles llama.cpp with the same target CPU as ava's own code
//! (`-C target-cpu=…` becomes `-march=…`, or GGML_NATIVE for `native`), so the features
//! enabled for this crate at compile time are the ones llama.cpp's kernels use. A build that
//! lacks a feature the CPU has leaves speed unused (AVX-512: prompt reading at 0.64x of a
//! native build, bench/RESULTS.md): `ava doctor` says so.

/// (name shown to the user, enabled in this build, present on this CPU)
pub fn features() -> Vec<(&'static str, bool, bool)> {
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! feature {
            ($name:literal, $tf:tt) => {
                (
                    $name,
                    cfg!(target_feature = $tf),
                    std::arch::is_x86_feature_detected!($tf),
                )
            };
        }
        vec![
            feature!("SSE4.2", "sse4.2"),
            feature!("AVX", "avx"),
            feature!("AVX2", "avx2"),
            feature!("FMA", "fma"),
            feature!("F16C", "f16c"),
            feature!("AVX512F", "avx512f"),
            feature!("AVX512BW", "avx512bw"),
            feature!("AVX512VNNI", "avx512vnni"),
            feature!("AVX512BF16", "avx512bf16"),
        ]
    }
    #[cfg(target_arch = "aarch64")]
    {
        vec![
            (
                "NEON",
                cfg!(target_feature = "neon"),
                std::arch::is_aarch64_feature_detected!("neon"),
            ),
            (
                "DOTPROD",
                cfg!(target_feature = "dotprod"),
                std::arch::is_aarch64_feature_detected!("dotprod"),
            ),
            (
                "I8MM",
                cfg!(target_feature = "i8mm"),
                std::arch::is_aarch64_feature_detected!("i8mm"),
            ),
        ]
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        Vec::new()
    }
}

/// One line for `ava doctor`: what the engine uses, and what it leaves unused.
pub fn describe() -> String {
    let all = features();
    let used: Vec<&str> = all.iter().filter(|f| f.1).map(|f| f.0).collect();
    let unused: Vec<&str> = all.iter().filter(|f| !f.1 && f.2).map(|f| f.0).collect();
    let used = if used.is_empty() {
        "baseline instructions only".to_string()
    } else {
        used.join(" ")
    };
    if unused.is_empty() {
        format!("CPU features used: {used} (all this CPU offers)")
    } else {
        format!(
            "CPU features used: {used}; this CPU also has {}, unused by this build: build ava \
             from source on this machine (`cargo install --path .` targets the CPU it runs on) \
             for full speed",
            unused.join(" ")
        )
    }
}
