#!/usr/bin/env python3
"""Startup, time-to-first-byte and total time of `ava` against a loopback SSE server,
compared in the same run with `curl -N` on the same request.

Usage: python3 bench/ttfb.py [path/to/ava] [runs]
Build first: cargo build --release. Standard library only.
"""
import http.server, json, os, statistics, subprocess, sys, tempfile, threading, time

TOKENS = 200
AVA = sys.argv[1] if len(sys.argv) > 1 else "target/release/ava"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 20


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

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
    """Seconds to the first stdout byte and to process exit."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=stdin, env=env)
    first = p.stdout.read(1)
    t1 = time.perf_counter()
    p.stdout.read()
    p.wait()
    t2 = time.perf_counter()
    if not first or p.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed with {p.returncode}")
    return t1 - t0, t2 - t0


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
    results = {"curl": ([], []), "ava": ([], [])}
    for _ in range(RUNS):
        for name, cmd in (("curl", curl), ("ava", ava)):
            ttfb, total = timed(cmd, env)
            results[name][0].append(ttfb)
            results[name][1].append(total)
    ms = lambda xs: statistics.median(xs) * 1000
    print(f"runs={RUNS} tokens={TOKENS} (medians)")
    print(f"ava --version            {ms(version):7.2f} ms")
    for name, (t, tot) in results.items():
        print(f"{name:5} first byte {ms(t):7.2f} ms   total {ms(tot):7.2f} ms")
    d = ms(results["ava"][0]) - ms(results["curl"][0])
    r = ms(results["ava"][1]) / ms(results["curl"][1])
    print(f"ava - curl first byte: {d:+.2f} ms (goal <= 2 ms); total ratio {r:.3f} (goal <= 1.05)")
    srv.shutdown()


if __name__ == "__main__":
    main()
