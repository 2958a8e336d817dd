#!/usr/bin/env python3
"""Aggregates the jdbi.statement JFR events (JDBI emits one per statement) of a recording.

Usage: bench/jfr-sql.py recording.jfr [top=15]

Prints, per SQL text (its first 110 characters, or JFR_SQL_CHARS), the number of statements, their total and mean
duration, hottest total first. JFR_FROM / JFR_TO (wall-clock HH:MM:SS[.fff], as `jfr print` shows
startTime) keep only the statements that started in that window, e.g. the first seconds of W5's
minute: JFR_FROM=22:00:00 JFR_TO=22:00:02 bench/jfr-sql.py w5.jfr
"""
import collections
import os
import re
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
proc = subprocess.Popen(["jfr", "print", "--events", "jdbi.statement", "--stack-depth", "1", path],
                        stdout=subprocess.PIPE, text=True)
count = collections.Counter()
total = collections.Counter()
dur = None
start = ""
window = (os.environ.get("JFR_FROM", ""), os.environ.get("JFR_TO", "99"))
units = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1000.0}
for line in proc.stdout:
    line = line.strip()
    if line.startswith("startTime = "):
        start = line[len("startTime = "):]
    elif line.startswith("duration = "):
        m = re.match(r"duration = ([\d.]+) (\w+)", line)
        dur = float(m.group(1)) * units.get(m.group(2), 1.0) if m else 0.0
    elif line.startswith("sql = ") and window[0] <= start <= window[1]:
        sql = re.sub(r"\s+", " ", line[7:-1])[:int(os.environ.get("JFR_SQL_CHARS", "110"))]
        count[sql] += 1
        total[sql] += dur or 0.0
proc.wait()
n = sum(count.values())
t = sum(total.values())
print(f"{n} statements, {t / 1000:.1f} s in total (summed over threads)")
for sql, ms in total.most_common(top):
    print(f"  {count[sql]:7d}  {ms / 1000:7.2f} s  {ms / count[sql]:7.3f} ms  {sql}")
