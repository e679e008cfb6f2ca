//! HTTP details that do not depend on the engine's state: which statuses are retried and
//! after how long, how failures and durations read in messages, and URLs (shown without
//! credentials, joined, loopback or not).

use super::*;

pub(super) fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` in its seconds form; the HTTP-date form is rare enough to fall back to backoff.
pub(super) fn retry_after(resp: &Response) -> Option<Duration> {
    let secs: f64 = resp
        .headers()
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs).min(MAX_RETRY_AFTER))
}

/// Exponential backoff with full jitter (a random wait up to the exponential bound), so that
/// many clients rejected together don't come back together.
pub(super) fn backoff(base: Duration, attempt: u32) -> Duration {
    let bound = base
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(MAX_BACKOFF);
    let bound_ms = u64::try_from(bound.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::random_range(0..=bound_ms))
}

/// The innermost useful cause of a reqwest error ("connection refused", "dns error: …"),
/// without the URL reqwest adds at the top.
pub(super) fn cause(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    let mut last: Option<&(dyn std::error::Error + 'static)> = None;
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "connection refused".into(),
                std::io::ErrorKind::TimedOut => return "connection timed out".into(),
                _ => {}
            }
        }
        last = Some(s);
        source = s.source();
    }
    match last {
        Some(s) => s.to_string(),
        None if e.is_timeout() => "connection timed out".into(),
        None => e.to_string(),
    }
}

pub(super) fn with_message(line: String, msg: Option<String>) -> String {
    match msg {
        Some(m) => format!("{line}: {m}"),
        None => line,
    }
}

pub(super) fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

/// The URL as it may appear in a message: no user info, no trailing slash.
pub(super) fn shown(url: &Url) -> String {
    let mut u = url.clone();
    // Both only fail for URLs that cannot have credentials in the first place.
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.as_str().trim_end_matches('/').to_string()
}

pub(super) fn join(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// llama.cpp serves `/tokenize` beside `/v1`, not under it.
pub(super) fn server_root(base: &Url) -> Url {
    let mut root = base.clone();
    if let Ok(mut path) = root.path_segments_mut() {
        path.pop_if_empty();
        if base
            .path_segments()
            .and_then(|mut s| s.rfind(|seg| !seg.is_empty()))
            .is_some_and(|last| last == "v1")
        {
            path.pop();
        }
    }
    root
}

/// localhost, 127.0.0.0/8 and ::1 (also as ::ffff:127.x.y.z). `host_str` brackets IPv6.
pub(super) fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<std::net::Ipv6Addr>().is_ok_and(|ip| {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        });
    }
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    pub(super) fn endpoints_tolerate_trailing_slash() {
        for base in ["http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1/"] {
            assert_eq!(
                join(&url(base), &["chat", "completions"]).as_str(),
                "http://127.0.0.1:8080/v1/chat/completions"
            );
            assert_eq!(
                join(&server_root(&url(base)), &["tokenize"]).as_str(),
                "http://127.0.0.1:8080/tokenize"
            );
        }
        assert_eq!(
            join(&server_root(&url("https://h/llm/v1")), &["tokenize"]).as_str(),
            "https://h/llm/tokenize"
        );
        assert_eq!(
            join(&server_root(&url("http://localhost:11434")), &["tokenize"]).as_str(),
            "http://localhost:11434/tokenize"
        );
    }

    #[test]
    pub(super) fn loopback_hosts() {
        for u in [
            "http://localhost/",
            "http://127.0.0.1/",
            "http://127.8.0.3/",
            "http://[::1]/",
        ] {
            assert!(is_loopback(url(u).host_str().unwrap()), "{u}");
        }
        for u in [
            "http://10.0.0.1/",
            "http://example.com/",
            "http://localhost.evil.com/",
        ] {
            assert!(!is_loopback(url(u).host_str().unwrap()), "{u}");
        }
    }

    #[test]
    pub(super) fn shown_urls_drop_credentials() {
        assert_eq!(shown(&url("https://user:pw@h/v1/")), "https://h/v1");
    }

    #[test]
    pub(super) fn backoff_stays_within_bounds() {
        let base = Duration::from_millis(100);
        for attempt in 1..40 {
            let bound = base
                .saturating_mul(2u32.saturating_pow(attempt - 1))
                .min(MAX_BACKOFF);
            assert!(backoff(base, attempt) <= bound);
        }
    }

    #[test]
    pub(super) fn debug_hides_key() {
        let mut cfg = OpenAiConfig::new("https://h/v1", "m");
        cfg.api_key = Some("sk-secret-123456".into());
        assert!(!format!("{cfg:?}").contains("sk-secret"));
    }

    #[test]
    pub(super) fn durations() {
        assert_eq!(secs(Duration::from_secs(120)), "120s");
        assert_eq!(secs(Duration::from_millis(300)), "0.3s");
    }
}
