#!/usr/bin/env python3
"""Measures how long each lesson takes guided, the way Docs/course.md defines it.

Usage: python3 Benchmarks/lesson_minutes.py [--write] [--threads 1] [--workdir DIR] [LESSON ...]

For every lesson (all of lessons/*.lesson by default) it replays the lesson's commands
and checks on full data with a release build (`make build`) and one thread, and adds up

    guided seconds = waiting: the CPU time of that replay (with one thread, what the
                     learner waits on one idle core, whatever else the machine does)
                   + reading the prose at 180 words per minute
                   + 4 s per command (read it, press Enter)
                   + 1 s per line the command prints, at most 30 lines per command
                     (tables and numbers are scanned; a long list of epochs is skimmed)
                   + 20 s per picture (each `render`, each `predict file … --stages`)

It prints a Markdown table with the course total; `--write` puts each lesson's minutes
(rounded, at least 1) into its `# minutes:` line. A lesson that fails, or is skipped
because a dataset it needs is not installed, stops the script with its output.
"""
import argparse
import glob
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORDS_PER_MINUTE = 180
SECONDS_PER_COMMAND = 4
SECONDS_PER_OUTPUT_LINE = 1
LINES_READ_PER_COMMAND = 30
SECONDS_PER_PICTURE = 20


def parse(path, threads):
    """Prose words, commands, pictures, and the lesson without its prose (headers,
    commands, checks), with the thread setting as its first command."""
    words, commands, pictures = 0, 0, 0
    bare = []
    for raw in open(path, encoding="utf-8").read().splitlines():
        line = raw.strip()
        if line.startswith("##"):
            continue
        if line.startswith("#"):
            bare.append(line)
        elif line.startswith(">"):
            if commands == 0:
                bare.append(f"> set threads {threads}")
            command = line[1:].strip()
            commands += 1
            if command.startswith("render ") or "--stages" in command.split():
                pictures += 1
            bare.append(line)
        elif line.startswith("expect"):
            bare.append(line)
        elif line:
            words += len(line.split())
    return words, commands, pictures, "\n".join(bare) + "\n"


def output_lines(transcript):
    """Lines each command printed (not counting the thread setting we added)."""
    counts, current = [], None
    for line in transcript.splitlines():
        if line.startswith("> "):
            current = len(counts)
            counts.append(0)
        elif line.startswith("✓ ") or line.startswith("== "):
            current = None
        elif current is not None:
            counts[current] += 1
    return counts[1:]


def replay(text, binary, workdir):
    """Runs the lesson text; returns (CPU seconds, wall seconds, transcript)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lesson", delete=False, encoding="utf-8") as f:
        f.write(text)
        name = f.name
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        env = {k: v for k, v in os.environ.items() if k not in ("DIGITLAB_QUICK", "NO_COLOR")}
        env["NO_COLOR"] = "1"
        done = subprocess.run([binary, "run", name], cwd=workdir, capture_output=True, text=True, env=env)
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        os.unlink(name)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0 or "skipped: this lesson" in done.stdout:
        sys.exit(f"{name}: the lesson failed or was skipped:\n{(done.stdout + done.stderr)[-3000:]}")
    return cpu, wall, done.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lessons", nargs="*")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--write", action="store_true", help="update each lesson's `# minutes:` line")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "digitlab"))
    ap.add_argument("--workdir", default=ROOT,
                    help="where to replay (needs lessons/, data/, models/ and outputs/; the DigitLab folder by default)")
    a = ap.parse_args()
    paths = a.lessons or sorted(glob.glob(os.path.join(ROOT, "lessons", "*.lesson")))
    print(f"| lesson | waiting s (CPU, {a.threads} thread) | prose words | commands | lines printed (counted) | pictures | guided min |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    total = 0.0
    for path in paths:
        words, commands, pictures, bare = parse(path, a.threads)
        cpu, _, transcript = replay(bare, a.binary, a.workdir)
        lines = output_lines(transcript)
        counted = sum(min(n, LINES_READ_PER_COMMAND) for n in lines)
        seconds = (cpu + words / WORDS_PER_MINUTE * 60 + SECONDS_PER_COMMAND * commands
                   + SECONDS_PER_OUTPUT_LINE * counted + SECONDS_PER_PICTURE * pictures)
        minutes = seconds / 60
        total += minutes
        name = os.path.basename(path)[:-len(".lesson")]
        print(f"| {name} | {cpu:.1f} | {words} | {commands} | {sum(lines)} ({counted}) | {pictures} | {minutes:.1f} |", flush=True)
        if a.write:
            source = open(path, encoding="utf-8").read()
            updated = re.sub(r"(?m)^# minutes: *\d+ *$", f"# minutes: {max(1, round(minutes))}", source, count=1)
            open(path, "w", encoding="utf-8").write(updated)
    print(f"| **course** | | | | | | **{total:.1f}** |")


if __name__ == "__main__":
    main()
