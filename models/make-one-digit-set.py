#!/usr/bin/env python3
"""Writes the training set of the one-digit judge (models/one-digit.safetensors) as IDX
files: 28x28 crops labelled 0 when they hold one whole digit, 1 when they do not.

`digitlab read` cuts a line of writing into candidate digits and lets the network choose
the cuts. The digit network was trained on single digits only, and it is sure of things
that are not one: two touching digits squeezed into 28x28 read "68" as an 8 at 100%, and
half of a 0 is a confident 1. The judge is trained on exactly those mistakes, made from
MNIST's digits the way the reader frames a candidate (the ink's box scaled to 20 pixels
on its longer side, centred by its centre of mass in 28x28):

- one digit (label 0): a digit alone; with a sliver of a neighbour that overlapped it
  (a cut between touching digits is never clean); missing a sliver of its own edge;
- not one digit (label 1): two or three digits that touch or overlap; a digit cut
  through (a fragment: its left or right 25-70%); a digit with a large part of its
  neighbour.

Training pictures come from MNIST's training digits, the test split from its test digits.
Reproduce the judge from the DigitLab folder with
    python3 models/make-one-digit-set.py outputs/one-digit-set
    .build/release/digitlab run --allow-writes models/train-one-digit.txt
"""
import argparse, gzip, os, struct, sys

import numpy as np
from scipy import ndimage


def load(folder, stem):
    with gzip.open(os.path.join(folder, f"{stem}-images-idx3-ubyte.gz")) as f:
        _, n, r, c = struct.unpack(">IIII", f.read(16))
        images = np.frombuffer(f.read(n * r * c), np.uint8).reshape(n, r, c)
    with gzip.open(os.path.join(folder, f"{stem}-labels-idx1-ubyte.gz")) as f:
        f.read(8)
        labels = np.frombuffer(f.read(n), np.uint8)
    return images.astype(np.float32) / 255, labels


def ink_box(a, level=0.1):
    ys, xs = np.nonzero(a > level)
    if len(xs) == 0:
        return None
    return ys.min(), ys.max() + 1, xs.min(), xs.max() + 1


def crop(a):
    b = ink_box(a)
    return a[b[0]:b[1], b[2]:b[3]]


def stroke_width(mask):
    """The reader's measure: for each ink pixel the shorter of its horizontal and
    vertical runs of ink, and the median of those."""
    def runs(m):
        flat = np.concatenate([m, np.zeros((m.shape[0], 1), bool)], 1).ravel()
        edges = np.diff(np.concatenate([[0], flat.astype(np.int8), [0]]))
        starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
        out = np.zeros(flat.size, np.int32)
        out[flat] = np.repeat(ends - starts, ends - starts)
        return out.reshape(m.shape[0], m.shape[1] + 1)[:, :-1]
    across, down = runs(mask), runs(mask.T).T
    both = np.minimum(across, down)[mask]
    return float(np.sort(both)[len(both) // 2]) if len(both) else 0.0


def frame(a):
    """The reader's framing of a candidate: its strokes evened towards MNIST's (measured
    at the 20 px scale: under 2 thickened to 3.4, over 6.5 thinned), the ink's box
    scaled to 20 pixels on its longer side, the strongest ink full, its centre of mass
    at the centre of 28x28."""
    if ink_box(a) is None:
        return None
    a = crop(a)
    longer = max(a.shape)
    measured = stroke_width(a > 0.5) * 20 / longer
    if measured < 2.0:
        r = int(round((3.4 - measured) / 2 * longer / 20))
        if r >= 1:
            a = ndimage.maximum_filter(np.pad(a, r), size=2 * r + 1)
    elif measured > 6.5:
        r = int(round((measured - 3.4) / 2 * longer / 20))
        if r >= 1:
            a = ndimage.minimum_filter(a, size=2 * r + 1)
    if ink_box(a) is None:
        return None
    a = crop(a)
    s = 20 / max(a.shape)
    a = np.clip(ndimage.zoom(a, s, order=1, grid_mode=True, mode="grid-constant"), 0, 1)
    if a.max() <= 0.05:
        return None
    a = a / a.max()
    a = crop(a)
    out = np.zeros((28, 28), np.float32)
    cy, cx = ndimage.center_of_mass(a)
    y0 = int(round(14 - cy - 0.5)); x0 = int(round(14 - cx - 0.5))
    y0 = min(max(y0, 0), 28 - a.shape[0]); x0 = min(max(x0, 0), 28 - a.shape[1])
    out[y0:y0 + a.shape[0], x0:x0 + a.shape[1]] = a
    return out


def side_by_side(digits, rng):
    """Digits cropped to their ink, written left to right on a common baseline with
    gaps from -0.25 to 0.05 of the height (negative: they overlap). Returns the line and
    the columns each digit spans."""
    h = 40  # twice MNIST's size: the reader evens strokes in the picture's own pixels
    scaled = []
    for d in digits:
        scaled.append(written(d, h * rng.uniform(0.88, 1.1)))
    xs, x = [], 0
    for d in scaled:
        xs.append(x)
        x += d.shape[1] + int(round(rng.uniform(-0.25, 0.05) * h))
        x = max(x, xs[-1] + 2)
    ys = [int(h * 1.15 - d.shape[0] + rng.uniform(-0.06, 0.06) * h) for d in scaled]
    top = min(ys)
    out = np.zeros((max(y - top + d.shape[0] for d, y in zip(scaled, ys)),
                    max(x + d.shape[1] for d, x in zip(scaled, xs))), np.float32)
    for d, x, y in zip(scaled, xs, ys):
        region = out[y - top:y - top + d.shape[0], x:x + d.shape[1]]
        np.maximum(region, d, out=region)
    return out, [(x, x + d.shape[1]) for d, x in zip(scaled, xs)]


def written(d, height):
    """A digit as ink on paper, `height` pixels tall: MNIST's soft grey edges made the
    crisp edge of a pen (enlarged twice over, smoothed, cut at a level, then averaged
    down), as a photo or a scan of writing shows it."""
    d = crop(d)
    s2 = 2 * height / d.shape[0]
    big = ndimage.gaussian_filter(ndimage.zoom(d, s2, order=3), sigma=max(0.5, s2 * 0.35))
    mask = (big > 0.42).astype(np.float32)
    h2, w2 = mask.shape
    return mask[:h2 - h2 % 2, :w2 - w2 % 2].reshape(h2 // 2, 2, w2 // 2, 2).mean(axis=(1, 3))


def up(d):
    """At the size `side_by_side` writes digits."""
    return written(d, 40)


def cut(line, at, keep_left, rng):
    """The line cut at column `at`, slanted a little as a seam may be."""
    h, w = line.shape
    slope = rng.uniform(-0.15, 0.15)
    cols = np.arange(w)[None, :] - (at + slope * (np.arange(h)[:, None] - h / 2))
    mask = cols < 0 if keep_left else cols >= 0
    return line * mask


def sample(images, labels, rng, whole):
    """One crop before framing: a whole digit (whole=True) or not."""
    n = len(images)
    pick = lambda: images[rng.integers(n)]
    not_one = lambda: images[rng.choice(np.nonzero(labels != 1)[0])]
    r = rng.random()
    if whole:
        if r < 0.5:
            return up(pick())
        line, spans = side_by_side([pick(), pick()], rng)
        (a0, a1), (b0, b1) = spans
        if r < 0.75:  # with a sliver of the neighbour
            if rng.random() < 0.5:
                return cut(line, b0 + rng.uniform(0, 0.15) * (b1 - b0), True, rng)
            return cut(line, a1 - rng.uniform(0, 0.15) * (a1 - a0), False, rng)
        d = up(crop(not_one()))  # missing a sliver of its own edge
        w = d.shape[1]
        if rng.random() < 0.5:
            return cut(d, w * rng.uniform(0.88, 1.0), True, rng)
        return cut(d, w * rng.uniform(0.0, 0.12), False, rng)
    if r < 0.4:  # two or three digits that touch or overlap
        line, _ = side_by_side([pick() for _ in range(3 if rng.random() < 0.15 else 2)], rng)
        return line
    if r < 0.7:  # a fragment (not of a 1: a 1 cut lengthways is still a 1)
        # Narrow pieces are left out: a stroke cut from a 0 is shaped like a 1.
        d = up(crop(not_one()))
        left = rng.random() < 0.5
        piece = cut(d, d.shape[1] * rng.uniform(0.25, 0.7) if left else d.shape[1] * rng.uniform(0.3, 0.75), left, rng)
        b = ink_box(piece)
        if b is None or b[3] - b[2] < 0.35 * (b[1] - b[0]):
            return None
        return piece
    line, spans = side_by_side([pick(), not_one()] if rng.random() < 0.5 else [not_one(), pick()], rng)
    (a0, a1), (b0, b1) = spans
    if rng.random() < 0.5:  # a digit with a large part of its neighbour
        return cut(line, b0 + rng.uniform(0.3, 0.75) * (b1 - b0), True, rng)
    return cut(line, a1 - rng.uniform(0.3, 0.75) * (a1 - a0), False, rng)


def write(folder, stem, crops, labels):
    with open(os.path.join(folder, f"{stem}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, len(crops), 28, 28))
        f.write(np.round(np.stack(crops) * 255).astype(np.uint8).tobytes())
    with open(os.path.join(folder, f"{stem}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, len(labels)))
        f.write(np.array(labels, np.uint8).tobytes())


def pen(a, rng):
    """The digits written with a finer or broader pen (at `side_by_side`'s size their
    strokes are 4-6 pixels): both kinds of crop come in every weight, so that weight
    tells nothing (the reader evens the strokes of wide crops more often)."""
    r = int(rng.choice([-1, 0, 0, 1, 2, 3]))
    size = (2 * abs(r) + 1,) * 2
    return a if r == 0 else ndimage.grey_dilation(a, size=size) if r > 0 else ndimage.grey_erosion(a, size=size)


def make(images, labels, count, rng):
    crops, marks = [], []
    while len(crops) < count:
        whole = len(crops) % 2 == 0
        c = sample(images, labels, rng, whole)
        c = None if c is None else frame(pen(c, rng))
        if c is not None:
            crops.append(c); marks.append(0 if whole else 1)
    return crops, marks


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", help="folder for the IDX files (created)")
    p.add_argument("--mnist", default=None, help="MNIST's folder (default: data/mnist, else ../shared/data/mnist)")
    p.add_argument("--train", type=int, default=120000)
    p.add_argument("--test", type=int, default=20000)
    args = p.parse_args()
    mnist = args.mnist or next((d for d in [os.path.join(here, "data", "mnist"), os.path.join(here, "..", "shared", "data", "mnist")]
                               if os.path.exists(os.path.join(d, "train-images-idx3-ubyte.gz"))), None)
    if mnist is None:
        sys.exit("MNIST not found: pass --mnist DIR")
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(1)
    for stem, source, count in [("train", "train", args.train), ("t10k", "t10k", args.test)]:
        images, labels = load(mnist, source)
        crops, marks = make(images, labels, count, rng)
        write(args.out, stem, crops, marks)
        print(f"{args.out}: {count} {stem} crops, half of them one whole digit")


if __name__ == "__main__":
    main()
