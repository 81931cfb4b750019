#!/usr/bin/env python3
"""Writes the training sets of the two networks that help `digitlab read` cut a line of
writing, as IDX files of 28x28 candidates made the way the reader makes them:

- `one-digit`: the one-digit judge (models/one-digit.safetensors), labelled 0 when a
  candidate holds one whole digit, 1 when it does not;
- `in-line`: the in-line digit network (models/in-line.safetensors), labelled with the
  digit a candidate holds most of.

`digitlab read` cuts a line of writing into candidate digits and lets the networks choose
the cuts. The digit network was trained on single digits only, and it is sure of things
that are not one: two touching digits squeezed into 28x28 read "68" as an 8 at 100%, and
half of a 0 is a confident 1. The judge learns to tell them apart. Where digits overlap,
no cut keeps one digit whole and nothing of its neighbour: the digit network reads a 9
with a piece of the 8 it crosses as a 7, and no reading spells the number. The in-line
network learns to read such candidates. Both come from candidates made the same way:

- one to three MNIST digits written in a line, touching or overlapping, with the crisp
  edge of a pen of any weight;
- cut as the reader cuts (a seam through the least ink near a column), at either end or
  both, near where two digits meet or anywhere (the in-line set: near the edges of the
  digit it is labelled with);
- framed as the reader frames a candidate (strokes evened, the ink's box scaled to 20
  pixels on its longer side, centred by its centre of mass in 28x28);
- labelled by what the cuts kept (see `sample` and `sample_in_line`).

Training candidates come from MNIST's training digits, the test split from its test
digits. The files are the same on any number of cores (each chunk of 5,000 has its own
seed). Reproduce the networks from the DigitLab folder with
    python3 models/make-candidate-sets.py one-digit outputs/one-digit-set
    .build/release/digitlab run --allow-writes models/train-one-digit.txt
    python3 models/make-candidate-sets.py in-line outputs/in-line-set --test 10000
    .build/release/digitlab run --allow-writes models/train-in-line.txt
"""
import argparse, gzip, multiprocessing, os, struct, sys

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


def side_by_side(digits, rng, weight):
    """Digits written left to right with one pen (`weight`: its change in pixels, see
    `pen`), on a common baseline with gaps from -0.25 to 0.05 of the height (negative:
    they overlap). Returns the line and each digit's own ink in it."""
    h = 40  # twice MNIST's size: the reader evens strokes in the picture's own pixels
    scaled = [pen(written(d, h * rng.uniform(0.88, 1.1)), weight) for d in digits]
    xs, x = [], 0
    for d in scaled:
        xs.append(x)
        x += d.shape[1] + int(round(rng.uniform(-0.25, 0.05) * h))
        x = max(x, xs[-1] + 2)
    ys = [int(h * 1.15 - d.shape[0] + rng.uniform(-0.06, 0.06) * h) for d in scaled]
    top = min(ys)
    shape = (max(y - top + d.shape[0] for d, y in zip(scaled, ys)), max(x + d.shape[1] for d, x in zip(scaled, xs)))
    own = []
    for d, x, y in zip(scaled, xs, ys):
        o = np.zeros(shape, np.float32)
        o[y - top:y - top + d.shape[0], x:x + d.shape[1]] = d
        own.append(o)
    return np.max(own, axis=0), own


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


def seam(line, at):
    """Where the reader cuts the line near column `at`: the path from top to foot, one
    column a row at most, that crosses the least ink within a third of the height of it
    (a sideways step costs a tenth of a pixel of ink). In each row, the first column
    right of it."""
    h, w = line.shape
    reach = int(0.33 * 40)
    lo, hi = max(1, int(at) - reach), min(w - 1, int(at) + reach)
    if hi < lo:
        lo = hi = min(max(1, int(at)), w - 1)
    ink = (line[:, lo:hi + 1] > 0.5).astype(np.float32)
    n = hi - lo + 1
    cost = ink[0].copy()
    back = np.zeros((h, n), np.int64)
    idx = np.arange(n)
    for y in range(1, h):
        left = np.concatenate([[np.inf], cost[:-1] + 0.1])
        right = np.concatenate([cost[1:] + 0.1, [np.inf]])
        choice = np.stack([cost, left, right])
        k = np.argmin(choice, axis=0)  # ties keep the column (as the reader does)
        back[y] = idx + np.array([0, -1, 1])[k]
        cost = choice[k, idx] + ink[y]
    x = int(np.argmin(cost))
    xs = np.zeros(h, np.int64)
    for y in range(h - 1, -1, -1):
        xs[y] = lo + x
        x = back[y, x]
    return xs


def sample(images, rng):
    """One candidate as the reader makes them, and whether it is one whole digit: one to
    three digits in a line (touching or overlapping), between two cuts or the line's
    ends. A cut starts near where two digits meet, or anywhere. The answer is read from
    what the cuts kept: one digit's ink (at least 90% of it) with at most a sliver of its
    neighbours' (12% of its own), or not one (under 70% of any digit, or other digits'
    ink over 30% of its own); anything between is left out."""
    count = int(rng.choice([1, 2, 3], p=[0.25, 0.4, 0.35]))
    line, own = side_by_side([images[rng.integers(len(images))] for _ in range(count)], rng,
                             int(rng.choice([-1, 0, 0, 1, 2, 3])))
    h, w = line.shape
    spans = [ink_box(o)[2:] for o in own]
    meets = [(spans[k][1] + spans[k + 1][0]) / 2 for k in range(count - 1)]

    def anchor():
        if meets and rng.random() < 0.6:
            return rng.choice(meets) + rng.normal(0, 0.08 * 40)
        return rng.uniform(0.1 * w, 0.9 * w)
    left = anchor() if rng.random() < 0.6 else None
    right = anchor() if rng.random() < 0.6 else None
    if left is not None and right is not None and right < left + 0.25 * 40:
        right = None
    cols = np.arange(w)[None, :]
    keep = np.ones((h, w), bool)
    if left is not None:
        keep &= cols >= seam(line, left)[:, None]
    if right is not None:
        keep &= cols < seam(line, right)[:, None]
    kept = [float((o * keep).sum()) for o in own]
    totals = [float(o.sum()) for o in own]
    best = int(np.argmax([k / t for k, t in zip(kept, totals)]))
    cover = kept[best] / totals[best]
    foreign = (sum(kept) - kept[best]) / totals[best]
    if cover >= 0.9 and foreign <= 0.12:
        whole = True
    elif cover < 0.7 or foreign > 0.3:
        whole = False
    else:
        return None, None
    piece = line * keep
    if ink_box(piece) is None:
        return None, None
    return piece, whole


def sample_in_line(images, labels, rng):
    """One candidate for the in-line network, and its digit: one to three digits in a
    line, the candidate cut near the edges of one of them (where the reader's seams fall
    between two that overlap: a piece of the neighbour comes along, a piece of its own
    is left behind), or at the line's end. Labelled with that digit when the cuts kept at
    least 75% of its ink and other digits' ink under 35% of its own; tried again
    otherwise (the judge says such candidates are not one digit)."""
    count = int(rng.choice([1, 2, 3], p=[0.2, 0.4, 0.4]))
    chosen = [rng.integers(len(images)) for _ in range(count)]
    line, own = side_by_side([images[i] for i in chosen], rng, int(rng.choice([-1, 0, 0, 1, 2, 3])))
    h, w = line.shape
    spans = [ink_box(o)[2:] for o in own]
    t = int(rng.integers(count))
    cols = np.arange(w)[None, :]
    keep = np.ones((h, w), bool)
    if t > 0 or rng.random() < 0.3:
        at = (spans[t - 1][1] + spans[t][0]) / 2 if t > 0 else spans[t][0]
        keep &= cols >= seam(line, at + rng.normal(0, 0.08 * 40))[:, None]
    if t < count - 1 or rng.random() < 0.3:
        at = (spans[t][1] + spans[t + 1][0]) / 2 if t < count - 1 else spans[t][1]
        keep &= cols < seam(line, at + rng.normal(0, 0.08 * 40))[:, None]
    kept = [float((o * keep).sum()) for o in own]
    totals = [float(o.sum()) for o in own]
    cover = kept[t] / totals[t]
    foreign = (sum(kept) - kept[t]) / totals[t]
    if cover < 0.75 or foreign > 0.35:
        return None, None
    piece = line * keep
    if ink_box(piece) is None:
        return None, None
    return piece, int(labels[chosen[t]])


def write(folder, stem, crops, labels):
    with open(os.path.join(folder, f"{stem}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, len(crops), 28, 28))
        f.write(np.round(np.stack(crops) * 255).astype(np.uint8).tobytes())
    with open(os.path.join(folder, f"{stem}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, len(labels)))
        f.write(np.array(labels, np.uint8).tobytes())


def pen(a, r):
    """The digit written with a finer (r < 0) or broader pen (at `side_by_side`'s size
    its strokes are 4-6 pixels): both kinds of candidate come in every weight, so that
    weight tells nothing (the reader evens the strokes of wide crops more often)."""
    size = (2 * abs(r) + 1,) * 2
    return a if r == 0 else ndimage.grey_dilation(a, size=size) if r > 0 else ndimage.grey_erosion(a, size=size)


def make(images, count, rng):
    """`count` candidates, framed, half of them one whole digit."""
    crops, marks = [], []
    while len(crops) < count:
        wanted = len(crops) % 2 == 0
        piece, whole = sample(images, rng)
        if whole != wanted:
            continue
        c = frame(piece)
        if c is not None:
            crops.append(c); marks.append(0 if whole else 1)
    return crops, marks


def make_in_line(images, labels, count, rng):
    """`count` candidates for the in-line network, framed, with their digits."""
    crops, marks = [], []
    while len(crops) < count:
        piece, digit = sample_in_line(images, labels, rng)
        if piece is None:
            continue
        c = frame(piece)
        if c is not None:
            crops.append(c); marks.append(digit)
    return crops, marks


DIGITS, LABELS = None, None


def load_digits(mnist, stem):
    global DIGITS, LABELS
    DIGITS, LABELS = load(mnist, stem)


def make_chunk(kind, count, seed):
    rng = np.random.default_rng(seed)
    return make(DIGITS, count, rng) if kind == "one-digit" else make_in_line(DIGITS, LABELS, count, rng)


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("kind", choices=["one-digit", "in-line"], help="one-digit: the judge's set; in-line: the in-line network's")
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
    for split, (stem, count) in enumerate([("train", args.train), ("t10k", args.test)]):
        # In chunks of 5,000, each with its own seed: the same files on any number of cores.
        chunks = [(args.kind, min(5000, count - start), (1, split, start // 5000)) for start in range(0, count, 5000)]
        with multiprocessing.Pool(initializer=load_digits, initargs=(mnist, stem)) as pool:
            done = pool.starmap(make_chunk, chunks)
        write(args.out, stem, [c for crops, _ in done for c in crops], [m for _, marks in done for m in marks])
        print(f"{args.out}: {count} {stem} crops" + (", half of them one whole digit" if args.kind == "one-digit" else ", each labelled with its digit"))


if __name__ == "__main__":
    main()
