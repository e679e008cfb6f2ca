#!/usr/bin/env python3
"""Time to the first byte on stderr (a pty, as on a terminal) and on stdout (a pipe) of one ava command.

Usage: python3 bench/first_output.py ava process --prompt "..." --provider local -m MODEL.gguf FILE
(issue 18: "first visible output within 1 s").
"""
import os, pty, subprocess, sys, time, select
cmd = sys.argv[1:]
m, s = pty.openpty()
env = dict(os.environ, COLUMNS="120")
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=s, env=env)
os.close(s)
first_err = first_out = None
while p.poll() is None or True:
    r, _, _ = select.select([m, p.stdout], [], [], 0.05)
    if m in r:
        try:
            d = os.read(m, 4096)
        except OSError:
            d = b""
        if d and first_err is None:
            first_err = time.monotonic() - t0
    if p.stdout in r:
        d = os.read(p.stdout.fileno(), 4096)
        if d and first_out is None:
            first_out = time.monotonic() - t0
        if not d:
            break
    if p.poll() is not None and not r:
        break
p.wait()
print(f"first stderr (terminal) {first_err and round(first_err,2)} s, first answer byte {first_out and round(first_out,2)} s, total {round(time.monotonic()-t0,2)} s, exit {p.returncode}")
