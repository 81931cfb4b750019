#!/usr/bin/env python3
"""DigitLab against the PyTorch reference, in the same run, alternating the two.

Usage: python3 Benchmarks/compare.py [--runs 3] [--nets mlp,mlp-l,lenet5,cnn]
       [--torch-python /tmp/torch-venv/bin/python] [--max-steps N]

Runs `digitlab bench --net NET --json` and `shared/bench/torch_reference.py NET`
alternately RUNS times each, then prints a Markdown table of medians and ratios
(PyTorch time / DigitLab time: above 1 means DigitLab is faster). Needs a release build
(`make build`) and a Python with torch (see shared/bench/README.md).
"""
import argparse, json, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TORCH_NAMES = {"mlp": "mlp_s", "mlp-l": "mlp_l", "lenet5": "lenet", "cnn": "pytex"}
TARGETS = {"mlp": (2.0, 1.0), "mlp-l": (1.5, 1.5), "lenet5": (2.0, 2.0), "cnn": (1.5, 2.0)}


def run_json(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--nets", default="mlp,mlp-l,lenet5,cnn")
    ap.add_argument("--torch-python", default="/tmp/torch-venv/bin/python")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--max-steps", type=int, default=0)
    a = ap.parse_args()
    digitlab = os.path.join(ROOT, ".build", "release", "digitlab")
    reference = os.path.join(a.shared, "bench", "torch_reference.py")
    env = dict(os.environ, MNIST_DIR=os.path.join(a.shared, "data", "mnist"))
    rows = []
    for net in a.nets.split(","):
        ours, theirs = [], []
        for i in range(a.runs):
            steps = ["--max-steps", str(a.max_steps)] if a.max_steps else []
            ours.append(run_json([digitlab, "bench", "--net", net, "--json"] + steps))
            theirs.append(run_json([a.torch_python, reference, TORCH_NAMES[net], "--threads", "2"] + steps, env))
            print(f"{net} run {i + 1}: digitlab {ours[-1]['epoch_s']} s, torch {theirs[-1]['epoch_s']} s",
                  file=sys.stderr)
        med = lambda runs, key: statistics.median(r[key] for r in runs)
        train_ratio = med(theirs, "epoch_s") / med(ours, "epoch_s")
        infer_ratio = med(theirs, "infer_s") / med(ours, "infer_s")
        t_train, t_infer = TARGETS[net]
        rows.append(
            f"| {net} | {med(ours, 'epoch_s'):.2f} | {med(theirs, 'epoch_s'):.2f} | **{train_ratio:.2f}x** (≥{t_train}) "
            f"| {med(ours, 'infer_s'):.3f} | {med(theirs, 'infer_s'):.3f} | **{infer_ratio:.2f}x** (≥{t_infer}) "
            f"| {100 * med(ours, 'test_acc'):.2f}% | {100 * med(theirs, 'test_acc'):.2f}% "
            f"| {med(ours, 'peak_rss_mb'):.0f} | {med(theirs, 'peak_rss_mb'):.0f} |")
    print(f"Medians of {a.runs} alternating runs, 2 threads.\n")
    print("| net | DigitLab epoch s | PyTorch epoch s | train speed-up (target) | DigitLab infer s | PyTorch infer s "
          "| infer speed-up (target) | DigitLab acc | PyTorch acc | DigitLab peak MB | PyTorch peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
