#!/usr/bin/env python3
"""Aggregates the jdk.ExecutionSample events of a JFR recording.

Usage: bench/jfr-top.py recording.jfr [top=25] [thread-substring]

Prints the hottest top frames (self time), the hottest frames anywhere on the stack (total
time, each frame counted once per sample) restricted to dev.docket, and the share of samples by
the package of the top frame. Uses `jfr print --events jdk.ExecutionSample --stack-depth 64`.
JFR_FROM / JFR_TO (wall-clock HH:MM:SS[.fff], as `jfr print` shows startTime) keep only the
samples taken in that window.
"""
import collections
import os
import re
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
thread_filter = sys.argv[3] if len(sys.argv) > 3 else None
out = subprocess.run(
    ["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
    check=True, capture_output=True, text=True).stdout

window = (os.environ.get("JFR_FROM", ""), os.environ.get("JFR_TO", "99"))
samples = []  # (thread, [frames top first])
for block in out.split("jdk.ExecutionSample {")[1:]:
    t = re.search(r"startTime = (\S+)", block)
    if t and not window[0] <= t.group(1) <= window[1]:
        continue
    m = re.search(r'sampledThread = "([^"]*)"', block)
    thread = m.group(1) if m else "?"
    st = block.split("stackTrace = [", 1)
    frames = []
    if len(st) == 2:
        for line in st[1].splitlines():
            line = line.strip()
            if line.startswith("]"):
                break
            if not line or line == "...":
                continue
            frames.append(re.sub(r"\s+line:.*$", "", line))
    samples.append((thread, frames))

if thread_filter:
    samples = [s for s in samples if thread_filter in s[0]]
n = len(samples)
print(f"{n} execution samples" + (f" on threads matching '{thread_filter}'" if thread_filter else ""))

def pkg(frame):
    name = frame.split("(")[0]
    parts = name.split(".")
    return ".".join(parts[:3]) if len(parts) > 3 else name

self_ = collections.Counter(f[0] for _, f in samples if f)
print(f"\nTop {top} frames by self samples:")
for f, c in self_.most_common(top):
    print(f"  {100.0 * c / n:5.1f}%  {c:6d}  {f}")

pk = collections.Counter(pkg(f[0]) for _, f in samples if f)
print(f"\nSelf samples by package of the top frame:")
for p, c in pk.most_common(15):
    print(f"  {100.0 * c / n:5.1f}%  {c:6d}  {p}")

total = collections.Counter()
for _, f in samples:
    for fr in set(x for x in f if x.startswith("dev.docket")):
        total[fr] += 1
print(f"\nTop {top} dev.docket frames by total samples (on the stack):")
for f, c in total.most_common(top):
    print(f"  {100.0 * c / n:5.1f}%  {c:6d}  {f}")

threads = collections.Counter(re.sub(r"[-#]?\d+$", "", t) for t, _ in samples)
print("\nSamples by thread (numbers stripped):")
for t, c in threads.most_common(12):
    print(f"  {100.0 * c / n:5.1f}%  {c:6d}  {t}")
