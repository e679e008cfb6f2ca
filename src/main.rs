use ava::error::exit;
use clap::Parser;

fn main() {
    let started = std::time::Instant::now();
    memory::return_large_buffers();
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = ava::cli::Cli::parse();
    // The audit log's settings, for every command (some never build a Context); a config
    // error is reported by the command itself.
    if let Ok(config) = ava::config::resolve(&cli.global) {
        ava::audit::configure(ava::audit::Settings {
            max_bytes: config.settings.audit_max_bytes,
            allow_off: config.policy.allow_audit_off,
        });
    }
    let term = ava::sink::Terminal::detect(cli.global.color);
    let status = ava::sink::Status::new(cli.global.quiet, cli.global.verbose, term.stderr_color());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            status.error(&format!("cannot start the async runtime: {e}"));
            std::process::exit(exit::SOFTWARE);
        }
    };
    // The REPL blocks on the terminal and enters the runtime for each answer, handling Ctrl-C
    // itself, so it runs outside `block_on` and outside the Ctrl-C race below.
    if let Some(files) = ava::cmd::repl_files(&cli, &term) {
        let code = match ava::context::Context::new(cli.global, term)
            .and_then(|ctx| ava::repl::run(ctx, &files, &runtime))
        {
            Ok(code) => code,
            Err(e) => report(&status, &e),
        };
        runtime.shutdown_background();
        ava::audit::record_run(&argv, code, started.elapsed());
        std::process::exit(code);
    }
    let code = runtime.block_on(async {
        // Handlers installed now, not when select! first polls them: the run's first poll
        // may already send a request.
        let interrupt = signal(Kind::Interrupt);
        let terminate = signal(Kind::Terminate);
        tokio::select! {
            r = ava::cmd::run(cli, term) => match r {
                Ok(code) => code,
                Err(e) => report(&status, &e),
            },
            // Dropping the run future closes any connection at once; what was printed stays.
            // Requests in flight get their `interrupted` record before the run's.
            // (Recorded inside the branch's future: select! drops the run future, and with it
            // the requests in flight, before a handler runs.)
            _ = async {
                interrupt.await;
                ava::audit::interrupted("SIGINT (Ctrl-C)");
            } => {
                status.error("interrupted");
                exit::INTERRUPTED
            }
            _ = async {
                terminate.await;
                ava::audit::interrupted("SIGTERM");
            } => {
                status.error("terminated");
                exit::TERMINATED
            }
        }
    });
    // The runtime may hold a blocking thread still generating (local engine); don't wait for it.
    runtime.shutdown_background();
    ava::audit::record_run(&argv, code, started.elapsed());
    std::process::exit(code);
}

/// One line on stderr for an error, and its exit code. A closed stdout is the end of the job
/// (`ava … | head -1`): no message.
fn report(status: &ava::sink::Status, e: &ava::Error) -> i32 {
    if e.is_broken_pipe() {
        ava::audit::interrupted("stdout closed by its reader");
    } else {
        status.error(&e.to_string());
    }
    e.exit_code()
}

enum Kind {
    Interrupt,
    Terminate,
}

/// Resolves when the signal arrives; the handler is installed by this call. SIGTERM never
/// arrives where there is none.
fn signal(kind: Kind) -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let s = signal(match kind {
            Kind::Interrupt => SignalKind::interrupt(),
            Kind::Terminate => SignalKind::terminate(),
        });
        async move {
            match s {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        }
    }
    #[cfg(not(unix))]
    async move {
        match kind {
            Kind::Interrupt => {
                let _ = tokio::signal::ctrl_c().await;
            }
            Kind::Terminate => std::future::pending::<()>().await,
        }
    }
}

mod memory {
    /// Large buffers go back to the system as soon as they are freed. glibc's default raises
    /// its mmap threshold to the size of the largest buffer freed so far (up to 32 MiB): once
    /// a large input's bytes are freed, every later buffer below that size comes from the
    /// heap and stays resident after it is freed, so a built-in summary of 17.7 MB of short
    /// lines peaked at 93 MB instead of 69 MB (bench/RESULTS.md, issue 16 memory). A fixed
    /// threshold turns that adjustment off.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    pub fn return_large_buffers() {
        const THRESHOLD: libc::c_int = 1 << 20;
        // SAFETY: mallopt only sets a malloc parameter; it is called first thing in main,
        // before any other thread exists. A refusal (return 0) leaves glibc's default.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
        }
    }

    /// Other allocators return large buffers by themselves.
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    pub fn return_large_buffers() {}
}
