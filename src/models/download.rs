//! `ava models pull`: a GGUF file from a model hub (Hugging Face's URL layout) into the store,
//! resuming an interrupted download and checking its sha256 before it is installed.

use super::gguf::inspect;
use super::{ModelEntry, ModelStore, name_from_file, sha256_file};
use crate::error::{Error, Result};
use std::fs;
use std::path::Path;

pub const DEFAULT_HUB_URL: &str = "https://huggingface.co";

/// `$AVA_HUB_URL`, else Hugging Face.
pub fn hub_url() -> String {
    std::env::var("AVA_HUB_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_HUB_URL.to_string())
}

impl ModelStore {
    /// Downloads `OWNER/REPO/FILE.gguf` from `{hub}/{OWNER/REPO}/resolve/main/{FILE}` into the
    /// store. An interrupted download stays as `FILE.part` and resumes on the next call.
    pub async fn pull(
        &self,
        repo_file: &str,
        hub_base_url: &str,
        expected_sha256: Option<&str>,
    ) -> Result<ModelEntry> {
        let (repo, file) = split_repo_file(repo_file)?;
        let expected = match expected_sha256 {
            Some(h) => {
                let h = h.trim().to_ascii_lowercase();
                if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::Usage(format!(
                        "--sha256 {h:?}: expected 64 hexadecimal digits"
                    )));
                }
                Some(h)
            }
            None => None,
        };
        let base_name = file.rsplit('/').next().unwrap_or(file);
        let name = name_from_file(Path::new(base_name))?;
        if self.get(&name)?.is_some() {
            return Err(Error::Usage(format!(
                "a model named {name:?} is already installed"
            )));
        }
        fs::create_dir_all(&self.dir).map_err(|source| Error::Output {
            path: self.dir.clone(),
            source,
        })?;
        let url = format!(
            "{}/{}/resolve/main/{}",
            hub_base_url.trim_end_matches('/'),
            repo,
            file
        );
        let part = self.dir.join(format!("{name}.gguf.part"));
        download(&url, &part).await?;

        let check = part.clone();
        let actual = tokio::task::spawn_blocking(move || sha256_file(&check))
            .await
            .map_err(|e| Error::Engine(format!("hashing task failed: {e}")))??;
        if let Some(expected) = &expected
            && *expected != actual
        {
            let _ = fs::remove_file(&part);
            return Err(Error::BadInput {
                name: url,
                reason: format!(
                    "sha256 mismatch: expected {expected}, got {actual}; the download was deleted"
                ),
            });
        }
        if let Err(e) = inspect(&part) {
            let _ = fs::remove_file(&part);
            return Err(e);
        }
        let file_name = format!("{name}.gguf");
        fs::rename(&part, self.dir.join(&file_name))?;
        self.register(&name, &file_name, Some(url))
    }
}

fn split_repo_file(spec: &str) -> Result<(&str, &str)> {
    let bad = || {
        Error::Usage(format!(
            "{spec:?}: expected OWNER/REPO/FILE.gguf, e.g. \
             bartowski/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct-Q4_K_M.gguf"
        ))
    };
    let mut it = spec.splitn(3, '/');
    let (Some(owner), Some(repo), Some(file)) = (it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    let all_ok = [owner, repo]
        .iter()
        .chain(file.split('/').collect::<Vec<_>>().iter())
        .all(|s| !s.is_empty() && *s != "." && *s != ".." && !s.contains(['?', '#', '\\']));
    if !all_ok || !file.ends_with(".gguf") {
        return Err(bad());
    }
    let repo_len = owner.len() + 1 + repo.len();
    Ok((&spec[..repo_len], file))
}

async fn download(url: &str, part: &Path) -> Result<()> {
    use reqwest::StatusCode;
    use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, RANGE};
    use tokio::io::AsyncWriteExt;

    let have = fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| Error::EngineUnavailable(format!("HTTP client: {e}")))?;
    let mut req = client.get(url);
    if have > 0 {
        req = req.header(RANGE, format!("bytes={have}-"));
    }
    let net = |e: reqwest::Error| Error::TemporaryFailure(format!("{url}: {e}"));
    let mut resp = req.send().await.map_err(net)?;
    let status = resp.status();

    let header_u64 = |resp: &reqwest::Response, h| -> Option<u64> {
        resp.headers().get(h)?.to_str().ok()?.trim().parse().ok()
    };
    let (start, total) = match status {
        StatusCode::PARTIAL_CONTENT => {
            // "bytes START-END/TOTAL": resume only if the server starts where we stopped.
            let cr = resp
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let start: Option<u64> = cr
                .strip_prefix("bytes ")
                .and_then(|r| r.split('-').next())
                .and_then(|s| s.parse().ok());
            let total: Option<u64> = cr.rsplit('/').next().and_then(|s| s.parse().ok());
            if start != Some(have) {
                return Err(Error::TemporaryFailure(format!(
                    "{url}: server resumed at the wrong offset ({cr:?}); delete {} and retry",
                    part.display()
                )));
            }
            (have, total)
        }
        StatusCode::OK => (0, header_u64(&resp, CONTENT_LENGTH)),
        StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => {
            // The part file already holds everything; the sha256 check decides if it is good.
            return Ok(());
        }
        StatusCode::NOT_FOUND => {
            return Err(Error::BadInput {
                name: url.to_string(),
                reason: "not found on the hub (check OWNER/REPO/FILE)".into(),
            });
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return Err(Error::CredentialsRejected(format!(
                "{url}: the hub refused the download ({status}); the model may be gated"
            )));
        }
        s => {
            return Err(Error::TemporaryFailure(format!("{url}: HTTP {s}")));
        }
    };

    let mut out = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(start > 0)
        .truncate(start == 0)
        .open(part)
        .await
        .map_err(|source| Error::Output {
            path: part.to_path_buf(),
            source,
        })?;
    let bar =
        indicatif::ProgressBar::with_draw_target(total, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar.set_message(
        part.file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".part").to_string())
            .unwrap_or_default(),
    );
    bar.set_position(start);
    let mut written = start;
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                let _ = out.flush().await;
                bar.abandon();
                return Err(Error::TemporaryFailure(format!(
                    "{url}: download interrupted after {written} bytes ({e}); \
                     run the same command again to resume"
                )));
            }
        };
        out.write_all(&chunk)
            .await
            .map_err(|source| Error::Output {
                path: part.to_path_buf(),
                source,
            })?;
        written += chunk.len() as u64;
        bar.set_position(written);
    }
    out.flush().await?;
    bar.finish_and_clear();
    if let Some(total) = total
        && written < total
    {
        return Err(Error::TemporaryFailure(format!(
            "{url}: connection closed after {written} of {total} bytes; \
             run the same command again to resume"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::tests::fixture;
    use axum::Router;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::{IntoResponse, Response};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    #[test]
    fn repo_file_spec() {
        assert_eq!(split_repo_file("a/b/c.gguf").unwrap(), ("a/b", "c.gguf"));
        assert_eq!(
            split_repo_file("a/b/sub/c.gguf").unwrap(),
            ("a/b", "sub/c.gguf")
        );
        for bad in [
            "a/b",
            "a/b/c.bin",
            "a//c.gguf",
            "a/b/../c.gguf",
            "a/b/c.gguf?x",
        ] {
            assert!(split_repo_file(bad).is_err(), "{bad}");
        }
    }

    #[derive(Clone)]
    struct Served {
        body: Arc<Vec<u8>>,
        /// Serve only this many bytes of a full response, then close (simulated drop).
        cut_first: Arc<Mutex<Option<usize>>>,
        ranges: Arc<Mutex<Vec<String>>>,
        hits: Arc<AtomicUsize>,
    }

    async fn serve(State(s): State<Served>, headers: HeaderMap) -> Response {
        s.hits.fetch_add(1, Ordering::SeqCst);
        let body = s.body.clone();
        if let Some(r) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
            s.ranges.lock().unwrap().push(r.to_string());
            let start: usize = r
                .trim_start_matches("bytes=")
                .trim_end_matches('-')
                .parse()
                .unwrap();
            if start >= body.len() {
                return StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            }
            let cr = format!("bytes {start}-{}/{}", body.len() - 1, body.len());
            return (
                StatusCode::PARTIAL_CONTENT,
                [(header::CONTENT_RANGE, cr)],
                body[start..].to_vec(),
            )
                .into_response();
        }
        if let Some(cut) = s.cut_first.lock().unwrap().take() {
            // Send part of the body, then fail the connection: the client sees a drop
            // mid-download. The pause lets the first chunk reach the client.
            use futures_util::StreamExt;
            let first = axum::body::Bytes::copy_from_slice(&body[..cut]);
            let stream = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(first)]).chain(
                futures_util::stream::once(async {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    Err(std::io::Error::other("simulated drop"))
                }),
            );
            return Response::builder()
                .header(header::CONTENT_LENGTH, body.len())
                .body(axum::body::Body::from_stream(stream))
                .unwrap();
        }
        (StatusCode::OK, body.to_vec()).into_response()
    }

    async fn start(served: Served) -> String {
        let app = Router::new()
            .route(
                "/{owner}/{repo}/resolve/main/{file}",
                axum::routing::get(serve),
            )
            .with_state(served);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}")
    }

    fn served(cut: Option<usize>) -> Served {
        Served {
            body: Arc::new(fs::read(fixture()).unwrap()),
            cut_first: Arc::new(Mutex::new(cut)),
            ranges: Arc::default(),
            hits: Arc::default(),
        }
    }

    #[tokio::test]
    async fn pull_resumes_and_checks_sha() {
        let s = served(Some(100_000));
        let hub = start(s.clone()).await;
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path());
        let sha = sha256_file(&fixture()).unwrap();

        let err = store
            .pull("me/tiny/tiny-llama.gguf", &hub, Some(&sha))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::TemporaryFailure(_)), "{err}");
        let part = dir.path().join("tiny-llama.gguf.part");
        assert_eq!(fs::metadata(&part).unwrap().len(), 100_000);

        let entry = store
            .pull("me/tiny/tiny-llama.gguf", &hub, Some(&sha))
            .await
            .unwrap();
        assert_eq!(entry.sha256, sha);
        assert_eq!(
            s.ranges.lock().unwrap().as_slice(),
            ["bytes=100000-".to_string()]
        );
        assert!(!part.exists());
        assert_eq!(store.list().unwrap(), vec![entry.clone()]);
        assert_eq!(
            fs::read(store.path_of(&entry)).unwrap(),
            fs::read(fixture()).unwrap()
        );
        // Installed already: refused before any request.
        let hits = s.hits.load(Ordering::SeqCst);
        assert!(
            store
                .pull("me/tiny/tiny-llama.gguf", &hub, None)
                .await
                .is_err()
        );
        assert_eq!(s.hits.load(Ordering::SeqCst), hits);
    }

    #[tokio::test]
    async fn pull_sha_mismatch_and_not_found() {
        let hub = start(served(None)).await;
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path());
        let wrong = "0".repeat(64);
        let err = store
            .pull("me/tiny/tiny-llama.gguf", &hub, Some(&wrong))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("sha256 mismatch"), "{err}");
        assert!(!dir.path().join("tiny-llama.gguf.part").exists());
        assert!(store.list().unwrap().is_empty());

        let err = store
            .pull("me/tiny/tiny-llama.gguf", &hub, Some("abc"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Usage(_)));

        let err = store
            .pull("me/tiny/other.gguf", &format!("{hub}/nothing"), None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::BadInput { .. }), "{err}");

        // No sha given: still installs, and records the computed hash.
        let entry = store
            .pull("me/tiny/tiny-llama.gguf", &hub, None)
            .await
            .unwrap();
        assert_eq!(entry.sha256, sha256_file(&fixture()).unwrap());
    }
}
