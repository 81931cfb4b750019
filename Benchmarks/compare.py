#!/usr/bin/env python3
"""DigitLab against the PyTorch reference, in the same run, alternating the two.

Usage: python3 Benchmarks/compare.py [--runs 3] [--nets mlp,mlp-l,lenet5,cnn]
       [--torch-python PY] [--max-steps N] [--busy] [--oversubscribed]

Default mode: runs `digitlab bench --net NET --json` and `shared/bench/torch_reference.py
NET` alternately RUNS times each, then prints a Markdown table of medians: train and
inference ratios (PyTorch time / DigitLab time: above 1 means DigitLab is faster),
accuracy on both sides, DigitLab's GFLOP/s and fraction of the machine's FMA peak, and
peak memory on both sides.

--busy: the same with one core kept busy by `yes > /dev/null` for the whole run; each
round runs DigitLab with its default threads, DigitLab with --threads 1, and PyTorch.
The table gives each one's median and the two ratios the targets are about (default
threads / one thread, at most 1.2; PyTorch / default threads, at least 2).

--oversubscribed: DigitLab with 2 threads and with 8 (more threads than cores), to
check that extra threads cost at most 10%.

Needs a release build (`make build`) and a Python with torch: PY=$(shared/bench/setup-torch.sh)
(see shared/bench/README.md).
"""
import argparse, json, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TORCH_NAMES = {"mlp": "mlp_s", "mlp-l": "mlp_l", "lenet5": "lenet", "cnn": "pytex"}
# (train ratio, inference ratio) targets of SPEC §9 / issue 13.
TARGETS = {"mlp": (2.0, 1.5), "mlp-l": (1.5, 1.5), "lenet5": (2.0, 3.0), "cnn": (1.5, 3.0)}


def run_json(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--nets", default=None, help="default: all four (--busy: lenet5)")
    ap.add_argument("--torch-python", default="/tmp/torch-venv/bin/python")
    # The shared folder beside the checkout (or beside the folder of worktrees).
    shared = next((p for p in (os.path.join(ROOT, "..", "shared"), os.path.join(ROOT, "..", "..", "shared"))
                   if os.path.isdir(p)), os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--shared", default=shared)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--busy", action="store_true", help="one core busy with `yes`")
    ap.add_argument("--oversubscribed", action="store_true", help="2 threads against 8")
    a = ap.parse_args()
    nets = (a.nets or ("lenet5" if a.busy or a.oversubscribed else "mlp,mlp-l,lenet5,cnn")).split(",")
    digitlab = os.path.join(ROOT, ".build", "release", "digitlab")
    reference = os.path.join(a.shared, "bench", "torch_reference.py")
    env = dict(os.environ, MNIST_DIR=os.path.join(a.shared, "data", "mnist"))
    steps = ["--max-steps", str(a.max_steps)] if a.max_steps else []

    def ours(net, *extra):
        return run_json([digitlab, "bench", "--net", net, "--json", *extra] + steps)

    def theirs(net):
        return run_json([a.torch_python, reference, TORCH_NAMES[net], "--threads", "2"] + steps, env)

    if a.oversubscribed:
        print(f"Medians of {a.runs} alternating runs: DigitLab with 2 and with 8 threads.\n")
        print("| net | 2 threads epoch s | 8 threads epoch s | 8 / 2 (target ≤ 1.10) |")
        print("|---|---|---|---|")
        for net in nets:
            two, eight = [], []
            for i in range(a.runs):
                two.append(ours(net, "--threads", "2"))
                eight.append(ours(net, "--threads", "8"))
                print(f"{net} run {i + 1}: 2 threads {two[-1]['epoch_s']} s, 8 threads {eight[-1]['epoch_s']} s", file=sys.stderr)
            t2, t8 = median(two, "epoch_s"), median(eight, "epoch_s")
            print(f"| {net} | {t2:.2f} | {t8:.2f} | **{t8 / t2:.2f}** |")
        return

    if a.busy:
        hog = subprocess.Popen(["yes"], stdout=subprocess.DEVNULL)
        try:
            print(f"One core busy (`yes > /dev/null`). Medians of {a.runs} alternating runs.\n")
            print("| net | DigitLab default threads s | DigitLab --threads 1 s | default / 1 thread (target ≤ 1.2) "
                  "| PyTorch s | PyTorch / DigitLab default (target ≥ 2) |")
            print("|---|---|---|---|---|---|")
            for net in nets:
                default, one, torch = [], [], []
                for i in range(a.runs):
                    default.append(ours(net))
                    one.append(ours(net, "--threads", "1"))
                    torch.append(theirs(net))
                    print(f"{net} busy run {i + 1}: default {default[-1]['epoch_s']} s, 1 thread {one[-1]['epoch_s']} s, "
                          f"torch {torch[-1]['epoch_s']} s", file=sys.stderr)
                d, o, t = median(default, "epoch_s"), median(one, "epoch_s"), median(torch, "epoch_s")
                print(f"| {net} | {d:.2f} | {o:.2f} | **{d / o:.2f}** | {t:.2f} | **{t / d:.2f}** |")
        finally:
            hog.kill()
            hog.wait()
        return

    rows = []
    for net in nets:
        us, them = [], []
        for i in range(a.runs):
            us.append(ours(net))
            them.append(theirs(net))
            print(f"{net} run {i + 1}: digitlab {us[-1]['epoch_s']} s, torch {them[-1]['epoch_s']} s", file=sys.stderr)
        train_ratio = median(them, "epoch_s") / median(us, "epoch_s")
        infer_ratio = median(them, "infer_s") / median(us, "infer_s")
        t_train, t_infer = TARGETS[net]
        rows.append(
            f"| {net} | {median(us, 'epoch_s'):.2f} | {median(them, 'epoch_s'):.2f} | **{train_ratio:.2f}x** (≥{t_train}) "
            f"| {median(us, 'infer_s'):.3f} | {median(them, 'infer_s'):.3f} | **{infer_ratio:.2f}x** (≥{t_infer}) "
            f"| {100 * median(us, 'test_acc'):.2f}% | {100 * median(them, 'test_acc'):.2f}% "
            f"| {median(us, 'gflops'):.0f} | {median(us, 'peak_fraction'):.2f} | {median(us, 'infer_gflops'):.0f} "
            f"| {median(us, 'peak_rss_mb'):.0f} | {median(them, 'peak_rss_mb'):.0f} |")
    print(f"Medians of {a.runs} alternating runs, 2 threads.\n")
    print("| net | DigitLab epoch s | PyTorch epoch s | train ratio (target) | DigitLab infer s | PyTorch infer s "
          "| infer ratio (target) | DigitLab acc | PyTorch acc | train GFLOP/s | peak fraction | infer GFLOP/s "
          "| DigitLab peak MB | PyTorch peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
