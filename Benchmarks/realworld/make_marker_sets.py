#!/usr/bin/env python3
"""Marker pictures: digits and numbers written with a fat marker, loops filling in.

MNIST test digits of the dev half (0-4999), cropped to their ink, enlarged and drawn
fatter on plain paper. Written to SETS/marker/single/marker/ (100 digits enlarged 6-9x,
strokes 12-20 px wider: blobs) and SETS/marker/numbers/marker/ (60 numbers of 2-6 digits
enlarged 1.5-3x, strokes 2-6 px wider), each with a labels.csv that evaluate.py reads:

    python3 Benchmarks/realworld/make_marker_sets.py
    python3 Benchmarks/realworld/evaluate.py --set marker
"""
import argparse, gzip, os

import numpy as np
from PIL import Image
from scipy import ndimage

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def mnist_test():
    data = os.path.join(ROOT, "data", "mnist")
    images = np.frombuffer(gzip.open(os.path.join(data, "t10k-images-idx3-ubyte.gz")).read()[16:], np.uint8).reshape(-1, 28, 28)
    labels = np.frombuffer(gzip.open(os.path.join(data, "t10k-labels-idx1-ubyte.gz")).read()[8:], np.uint8)
    return images, labels


def marker(image, scale, fatter):
    """The digit cropped to its ink, enlarged and drawn `fatter` pixels wider on each side."""
    d = image.astype(float) / 255
    ys, xs = np.nonzero(d > 40 / 255)
    z = ndimage.zoom(d[ys.min():ys.max() + 1, xs.min():xs.max() + 1], scale, order=1).clip(0, 1)
    return np.pad(ndimage.maximum_filter(z, size=2 * fatter + 1), fatter + 2)


def paper(h, w, rng):
    yy, xx = np.mgrid[0:h, 0:w]
    g = rng.uniform(-0.08, 0.08, 2)
    return 242 * (1 + g[0] * (xx / w - 0.5) + g[1] * (yy / h - 0.5)) + rng.normal(0, 2, (h, w))


def save(folder, name, background, ink, colour):
    os.makedirs(folder, exist_ok=True)
    img = background * (1 - ink) + colour * ink
    Image.fromarray(img.clip(0, 255).astype(np.uint8)).convert("RGB").save(os.path.join(folder, name))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sets", default="/work/realworld-sets")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    images, labels = mnist_test()
    rng = np.random.default_rng(args.seed)

    folder = os.path.join(args.sets, "marker", "numbers", "marker")
    rows = []
    for n in range(60):
        idx = rng.integers(0, 5000, rng.integers(2, 7))
        s, r = rng.uniform(1.5, 3.0), int(rng.integers(1, 4))
        parts = [marker(images[i], s, r) for i in idx]
        tallest = max(q.shape[0] for q in parts)
        h = tallest + int(rng.uniform(30, 120))
        w = sum(q.shape[1] for q in parts) + int(s * 8) * len(parts) + int(rng.uniform(60, 160))
        ink = np.zeros((h, w))
        x, y = int(rng.uniform(5, 40)), int(rng.uniform(5, h - tallest - 5))
        for q in parts:
            ink[y:y + q.shape[0], x:x + q.shape[1]] = np.maximum(ink[y:y + q.shape[0], x:x + q.shape[1]], q)
            x += q.shape[1] + int(s * rng.uniform(2, 8))
        name = f"marker-{n:04d}.png"
        save(folder, name, paper(h, w, rng), ink, rng.uniform(15, 60))
        rows.append((f"marker/{name}", "marker", "".join(str(labels[i]) for i in idx)))
    write_labels(os.path.dirname(folder), rows)

    folder = os.path.join(args.sets, "marker", "single", "marker")
    rows = []
    for n in range(100):
        i = int(rng.integers(0, 5000))
        q = marker(images[i], rng.uniform(6, 9), int(rng.integers(12, 21)) // 2)
        h, w = q.shape[0] + int(rng.uniform(30, 120)), q.shape[1] + int(rng.uniform(60, 160))
        ink = np.zeros((h, w))
        y, x = int(rng.uniform(5, h - q.shape[0] - 5)), int(rng.uniform(5, w - q.shape[1] - 5))
        ink[y:y + q.shape[0], x:x + q.shape[1]] = q
        name = f"marker-{n:04d}.png"
        save(folder, name, paper(h, w, rng), ink, rng.uniform(15, 80))
        rows.append((f"marker/{name}", "marker", str(labels[i])))
    write_labels(os.path.dirname(folder), rows)


def write_labels(folder, rows):
    with open(os.path.join(folder, "labels.csv"), "w") as f:
        f.write("file,kind,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))


if __name__ == "__main__":
    main()
