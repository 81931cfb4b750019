#!/usr/bin/env python3
"""Accuracy of `digitlab predict` / `digitlab read` on a set made by make_sets.py.

Usage:
  python3 Benchmarks/realworld/evaluate.py --set dev [--what single|numbers|both]
      [--sets /work/realworld-sets] [--binary .build/release/digitlab]
      [--model models/default.safetensors] [--failures 10] [--jobs 2] [--markdown]

Runs `digitlab predict --json` over the single digits and `digitlab read --json` over
the numbers (a few hundred files per call), matches every JSON line to its file, and
prints the accuracy per kind (numbers: exact, every digit right; also per digit).
A picture the command could not classify counts as wrong.
"""
import argparse, collections, csv, json, os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(binary, verb, model, files):
    cmd = [binary, verb, "--json"] + (["--model", model] if model else []) + files
    p = subprocess.run(cmd, capture_output=True, text=True)
    out = {}
    for line in p.stdout.splitlines():
        try:
            o = json.loads(line)
        except json.JSONDecodeError:
            sys.exit(f"not JSON from {verb}: {line!r}")
        out[o["file"]] = o
    return out


def evaluate(args, part, verb):
    folder = os.path.join(args.sets, args.set, part)
    labels = os.path.join(folder, "labels.csv")
    if not os.path.exists(labels):
        return None
    with open(labels) as f:
        rows = list(csv.DictReader(f))
    files = [os.path.join(folder, r["file"]) for r in rows]
    chunks = [files[i:i + 200] for i in range(0, len(files), 200)]
    results = {}
    with ThreadPoolExecutor(args.jobs) as pool:
        for r in pool.map(lambda c: run(args.binary, verb, args.model, c), chunks):
            results.update(r)
    per_kind = collections.OrderedDict()
    failures = collections.defaultdict(list)
    for r, path in zip(rows, files):
        k = per_kind.setdefault(r["kind"], [0, 0, 0, 0])  # right, total, digits right, digits
        o = results.get(path, {"error": "no output"})
        truth = r["label"]
        got = o.get("prediction") if verb == "predict" else o.get("text")
        k[1] += 1
        if got == truth:
            k[0] += 1
        else:
            failures[r["kind"]].append(f"{r['file']}: {truth} → {got if got is not None else o.get('error')}")
        if verb == "read":
            k[3] += len(truth)
            if got:
                # Digits right, position by position (an edit-distance-free measure).
                k[2] += sum(a == b for a, b in zip(got, truth)) if len(got) == len(truth) else 0
    return per_kind, failures


def report(title, per_kind, failures, args, numbers):
    total = [sum(v[i] for v in per_kind.values()) for i in range(4)]
    if args.markdown:
        print(f"\n| {title} | right | of | accuracy |" + (" digits right |" if numbers else ""))
        print("|---|---:|---:|---:|" + ("---:|" if numbers else ""))
        for kind, (right, n, dr, dn) in list(per_kind.items()) + [("all", total)]:
            extra = f" {100 * dr / max(1, dn):.1f}% |" if numbers else ""
            print(f"| {kind} | {right} | {n} | {100 * right / max(1, n):.1f}% |{extra}")
    else:
        print(f"\n{title}")
        for kind, (right, n, dr, dn) in list(per_kind.items()) + [("all", total)]:
            extra = f"   digits {100 * dr / max(1, dn):5.1f}%" if numbers else ""
            print(f"  {kind:10s} {right:4d}/{n:<4d} {100 * right / max(1, n):6.1f}%{extra}")
    if args.failures:
        for kind, lines in failures.items():
            for line in lines[:args.failures]:
                print("   ", line)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--set", default="dev")
    p.add_argument("--sets", default="/work/realworld-sets")
    p.add_argument("--what", choices=["single", "numbers", "both"], default="both")
    p.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "digitlab"))
    p.add_argument("--model", default=os.path.join(ROOT, "models", "default.safetensors"))
    p.add_argument("--failures", type=int, default=0)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--markdown", action="store_true")
    args = p.parse_args()
    print(f"set {args.set}, model {args.model}, binary {args.binary}")
    if args.what in ("single", "both"):
        r = evaluate(args, "single", "predict")
        if r:
            report("single digits", *r, args, numbers=False)
    if args.what in ("numbers", "both"):
        r = evaluate(args, "numbers", "read")
        if r:
            report("numbers (exact)", *r, args, numbers=True)


if __name__ == "__main__":
    main()
