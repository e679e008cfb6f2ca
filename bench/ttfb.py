#!/usr/bin/env python3
"""Startup, time-to-first-byte and total time of `ava` against a loopback SSE server,
compared in the same run with `curl -N` on the same request.

Usage: python3 bench/ttfb.py [path/to/ava] [runs]
Build first: cargo build --release. Standard library only.

Wall times on a shared machine swing with its load, so the load average is printed, the runs
of the two tools are interleaved, and each tool's CPU time (user + sys, from wait4) is shown as
well: that figure does not depend on how busy the other cores are.
"""
import http.server, json, os, statistics, subprocess, sys, tempfile, threading, time

TOKENS = 200
AVA = sys.argv[1] if len(sys.argv) > 1 else "target/release/ava"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 20


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the second waits for the
    # client's delayed ACK (~40 ms on Linux), which would be charged to the client under test.
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        for i in range(TOKENS):
            chunk = {"choices": [{"index": 0, "delta": {"content": f"w{i} "}}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        self.wfile.flush()


def timed(cmd, env=None, stdin=None):
    """Seconds to the first stdout byte and to process exit, and CPU seconds used."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=stdin, env=env)
    first = p.stdout.read(1)
    t1 = time.perf_counter()
    p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    t2 = time.perf_counter()
    p.returncode = os.waitstatus_to_exitcode(status)
    if not first or p.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed with {p.returncode}")
    return t1 - t0, t2 - t0, usage.ru_utime + usage.ru_stime


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/v1"
    home = tempfile.mkdtemp()
    doc = os.path.join(home, "doc.txt")
    with open(doc, "w") as f:
        f.write("The suspect fled north on foot.\n")
    env = dict(os.environ, AVA_CONFIG_DIR=home, AVA_DATA_DIR=home, AVA_BASE_URL=url, AVA_MODEL="m")
    body = json.dumps({"model": "m", "stream": True, "messages": [{"role": "user", "content": "x"}]})
    curl = ["curl", "-sN", f"{url}/chat/completions", "-H", "content-type: application/json", "-d", body]
    ava = [AVA, "-q", "process", "--prompt", "Summarize", doc]

    version = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run([AVA, "--version"], stdout=subprocess.DEVNULL, check=True)
        version.append(time.perf_counter() - t0)
    load = os.getloadavg()[0]
    results = {"curl": ([], [], []), "ava": ([], [], [])}
    for _ in range(RUNS):
        for name, cmd in (("curl", curl), ("ava", ava)):
            for acc, x in zip(results[name], timed(cmd, env)):
                acc.append(x)
    ms = lambda xs: statistics.median(xs) * 1000
    print(f"runs={RUNS} tokens={TOKENS} (medians; min in brackets); load average {load:.2f} -> {os.getloadavg()[0]:.2f}")
    print(f"ava --version            {ms(version):7.2f} ms")
    for name, (t, tot, cpu) in results.items():
        print(
            f"{name:5} first byte {ms(t):7.2f} ms ({min(t) * 1000:6.2f})   total {ms(tot):7.2f} ms"
            f" ({min(tot) * 1000:6.2f})   cpu {ms(cpu):6.2f} ms"
        )
    d = ms(results["ava"][0]) - ms(results["curl"][0])
    r = ms(results["ava"][1]) / ms(results["curl"][1])
    print(f"ava - curl first byte: {d:+.2f} ms (goal <= 2 ms); total ratio {r:.3f} (goal <= 1.05)")
    srv.shutdown()


if __name__ == "__main__":
    main()
