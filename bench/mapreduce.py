#!/usr/bin/env python3
"""Map-reduce wall time of `ava summarize` on long documents against a loopback server whose
every chat request takes a fixed latency L, compared with the ideal ceil(N/J)*L per map round
plus L per reduce round (N map requests, J = --jobs).

Usage: python3 bench/mapreduce.py [path/to/ava] [--runs R] [--latency-ms 200,500]
                                  [--parts 8,16,32] [--jobs 1,4,8] [--ctx-size 2048]
Build first: cargo build --release. Standard library only. Goal: wall <= 1.15 x ideal.

The server (OpenAI-compatible, threaded, HTTP/1.1 keep-alive) answers `/v1/models`, 404s
everything else but `/v1/chat/completions`, where it sleeps L and then streams a short answer as
SSE. It tells map requests (the `summarize-chunk` template: "Below is part i of n") from reduce
requests (`summarize-reduce`: "<notes>") and records when each arrived and finished, so the
table also shows where time beyond the ideal went: before the first chat request (process
start-up, server probe, tokenizing and chunking), inside the map phase, between the last map
answer and the reduce request, and after the last answer until the process exited.
"""
import argparse, http.server, json, math, os, statistics, subprocess, sys, tempfile, threading, time

ANSWER = "- Officer noted the event, the place and the time exactly as written in this part."


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, latency):
        super().__init__(("127.0.0.1", 0), Handler)
        self.latency = latency
        self.lock = threading.Lock()
        self.log = []  # (kind, path, start, end) in perf_counter seconds

    def reset(self, latency):
        with self.lock:
            self.latency = latency
            self.log = []

    def record(self, kind, path, start):
        with self.lock:
            self.log.append((kind, path, start, time.perf_counter()))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the second waits for the
    # client's delayed ACK (~40 ms on Linux), which would be charged to the client under test.
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def send_body(self, code, ctype, body):
        self.send_response(code)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self):
        start = time.perf_counter()
        if self.path.rstrip("/").endswith("/models"):
            body = json.dumps({"object": "list", "data": [{"id": "m", "object": "model"}]})
            self.send_body(200, "application/json", body.encode())
        else:
            self.send_body(404, "application/json", b'{"error":{"message":"not found"}}')
        self.server.record("other", "GET " + self.path, start)

    def do_POST(self):
        start = time.perf_counter()
        raw = self.rfile.read(int(self.headers.get("content-length", 0)))
        if not self.path.endswith("/chat/completions"):
            self.send_body(404, "application/json", b'{"error":{"message":"not found"}}')
            self.server.record("other", "POST " + self.path, start)
            return
        req = json.loads(raw)
        user = "".join(m.get("content", "") for m in req["messages"] if m["role"] == "user")
        kind = "reduce" if "<notes>" in user else "map" if "Below is part" in user else "chat"
        time.sleep(self.server.latency)
        # A short streamed answer; Content-Length keeps the connection reusable.
        events = []
        for word in ANSWER.split(" "):
            chunk = {"choices": [{"index": 0, "delta": {"content": word + " "}}]}
            events.append(f"data: {json.dumps(chunk)}\n\n")
        done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        events.append(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n")
        self.send_body(200, "text/event-stream", "".join(events).encode())
        self.server.record(kind, "POST " + self.path, start)


def document(lines):
    """A numbered report; each line unique, ~25 tokens, paragraphs of five lines."""
    out = []
    for i in range(1, lines + 1):
        out.append(
            f"Line {i:05}: officer Kowalski noted event {i} near ul. Długa {i % 97} in Gdańsk "
            f"at 21:{i % 60:02}, witness {i * 7 % 1000} confirmed it.\n"
        )
        if i % 5 == 0:
            out.append("\n")
    return "".join(out)


def parts_for(ava, env, path, ctx):
    """`ava tokens`' estimate of how many parts the file needs."""
    out = subprocess.run(
        [ava, "--ctx-size", str(ctx), "tokens", path], env=env, capture_output=True, text=True, check=True
    ).stdout
    return int(out.split()[1])


def lines_for(ava, env, tmp, ctx, n):
    """Document length (in lines) for which `ava tokens` estimates n parts."""
    path = os.path.join(tmp, "probe.txt")
    per = None
    lo, hi = 1, 40000
    while lo < hi:
        mid = (lo + hi) // 2
        with open(path, "w") as f:
            f.write(document(mid))
        if parts_for(ava, env, path, ctx) >= n:
            hi = mid
        else:
            lo = mid + 1
        per = lo
    return per


def run(ava, env, srv, path, ctx, jobs, latency):
    srv.reset(latency)
    cmd = [ava, "-q", "--ctx-size", str(ctx), "summarize", "--jobs", str(jobs), path]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    t1 = time.perf_counter()
    if p.returncode != 0 or not p.stdout.strip():
        raise SystemExit(f"ava failed ({p.returncode}): {p.stderr.strip()}")
    with srv.lock:
        log = list(srv.log)
    maps = [r for r in log if r[0] == "map"]
    reduces = sorted((r for r in log if r[0] == "reduce"), key=lambda r: r[2])
    others = [r for r in log if r[0] == "other"]
    # Reduce rounds: a request that starts after the previous one ended opens a new round.
    rounds, last_end = [], None
    for r in reduces:
        if last_end is None or r[2] >= last_end:
            rounds.append(0)
        rounds[-1] += 1
        last_end = r[3] if last_end is None else max(last_end, r[3])
    chats = maps + reduces
    first_chat = min(r[2] for r in chats)
    last_map_end = max(r[3] for r in maps) if maps else first_chat
    first_reduce = reduces[0][2] if reduces else last_map_end
    last_end = max(r[3] for r in chats)
    n = len(maps)
    ideal = math.ceil(n / jobs) * latency + sum(math.ceil(k / jobs) for k in rounds) * latency
    return {
        "n": n,
        "reduce": len(reduces),
        "rounds": len(rounds),
        "others": sorted({r[1] for r in others}),
        "wall": t1 - t0,
        "ideal": ideal,
        "before": first_chat - t0,
        "map": (last_map_end - first_chat) - math.ceil(n / jobs) * latency,
        "gap": first_reduce - last_map_end,
        "after": t1 - last_end,
        # The server's own lateness: time it took per chat request beyond L (late wake-ups
        # from sleep, JSON work), which inflates the wall time without being ava's.
        "server": statistics.median(r[3] - r[2] - latency for r in chats),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ava", nargs="?", default="target/release/ava")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--latency-ms", default="200,500")
    ap.add_argument("--parts", default="8,16,32")
    ap.add_argument("--jobs", default="1,4,8")
    ap.add_argument("--ctx-size", type=int, default=2048)
    a = ap.parse_args()
    latencies = [int(x) / 1000 for x in a.latency_ms.split(",")]
    parts = [int(x) for x in a.parts.split(",")]
    jobs = [int(x) for x in a.jobs.split(",")]

    srv = Server(0.0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/v1"
    tmp = tempfile.mkdtemp()
    env = dict(os.environ, AVA_CONFIG_DIR=tmp, AVA_DATA_DIR=tmp, AVA_BASE_URL=url, AVA_MODEL="m")
    env.pop("AVA_API_KEY", None)
    env.pop("OPENAI_API_KEY", None)

    docs = {}
    for n in parts:
        lines = lines_for(a.ava, env, tmp, a.ctx_size, n)
        path = os.path.join(tmp, f"doc{n}.txt")
        with open(path, "w") as f:
            f.write(document(lines))
        docs[n] = (path, os.path.getsize(path))

    print(f"ava={a.ava} ctx-size={a.ctx_size} runs={a.runs} (medians); load {os.getloadavg()[0]:.2f}")
    print("extra = wall - ideal, split into: before first chat request | map phase beyond ceil(N/J)*L"
          " | gap last map -> reduce | after last answer; srv/req = server time per request beyond L")
    hdr = f"{'L ms':>5} {'N':>3} {'J':>2} {'reduce':>6} {'wall s':>7} {'ideal s':>7} {'ratio':>6}   {'before':>7} {'map+':>7} {'gap':>6} {'after':>6} {'srv/req':>7} (ms)"
    print(hdr)
    fails = 0
    seen_others = set()
    for latency in latencies:
        for n in parts:
            path, size = docs[n]
            for j in jobs:
                rs = []
                # Interleaving with other cells is pointless here (one tool); repeats give a median.
                for _ in range(a.runs):
                    rs.append(run(a.ava, env, srv, path, a.ctx_size, j, latency))
                med = lambda k: statistics.median(r[k] for r in rs)
                r0 = rs[0]
                for r in rs:
                    seen_others.update(r["others"])
                ratio = med("wall") / r0["ideal"]
                fails += ratio > 1.15
                red = f"{r0['reduce']}/{r0['rounds']}r"
                print(
                    f"{latency * 1000:5.0f} {r0['n']:3} {j:2} {red:>6} {med('wall'):7.2f} {r0['ideal']:7.2f} {ratio:6.3f}"
                    f"   {med('before') * 1000:7.1f} {med('map') * 1000:7.1f} {med('gap') * 1000:6.1f} {med('after') * 1000:6.1f} {med('server') * 1000:7.1f}",
                    flush=True,
                )
    print(f"documents: " + ", ".join(f"N~{n}: {s / 1024:.0f} KiB" for n, (_, s) in docs.items()))
    print(f"other requests per run: {', '.join(sorted(seen_others)) or 'none'}")
    print(f"cells over 1.15x ideal: {fails}; load {os.getloadavg()[0]:.2f}")
    srv.shutdown()


if __name__ == "__main__":
    main()
