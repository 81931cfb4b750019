#!/usr/bin/env python3
"""Photo-like test sets for DigitLab's real-world pipeline, made from MNIST *test* digits
(their writers are disjoint from the training set's writers).

Usage:
  python3 Benchmarks/realworld/make_sets.py --set dev       # tune on this one
  python3 Benchmarks/realworld/make_sets.py --set heldout   # measure on this one, once
  python3 Benchmarks/realworld/make_sets.py --set others    # other writers and styles
  python3 Benchmarks/realworld/make_sets.py --set others-dev  # the same kinds, to tune on
  python3 Benchmarks/realworld/make_sets.py --set dev2 --per-kind 300  # more to tune on
  [--out /work/realworld-sets] [--per-kind 100] [--numbers-per-kind 60]

The dev set draws its digits from the first half of MNIST test (seed 1); the held-out set
from the second half (seed 2), so the two share neither pictures nor writers. `--set dev2`
draws from the dev half again with another seed (5): more failures to learn from once the
dev set's own are few, still without looking at the held-out set. Nothing
here is committed: the pictures go to --out/SET/ with a labels.csv (file, kind, label).

Single digits, one kind each: tight (cropped to the ink, enlarged), frame (dark border or
table edge), desk (a sheet of paper on a darker desk), shadow, ruled (ruled or squared
paper), camera (perspective, blur, noise, JPEG quality, EXIF orientation), colour (coloured
ink and paper, some nearly equal in brightness), strokes (very thin or very thick),
chalk (light on dark). Numbers of 2-10 digits: spaced, tight, touching, long, form, ruled.

`--set others`: handwriting that is not MNIST — the UCI optical digits bundled with
scikit-learn (the UCI test set: 13 other writers, only 8x8) and the handwriting fonts Debian packages
(fonts-dkg-handwriting fonts-breip fonts-bwht fonts-femkeklaver fonts-humor-sans
fonts-ecolier-court fonts-dancingscript fonts-comic-neue fonts-cabinsketch): closed 4s,
crossed 7s, serif 1s, cursive shapes. `--set others-dev` is made the same way (seed 4)
from the UCI digits that `others` does not use, to tune on; `others` stays for measuring
(the fonts are the same nine families, drawn differently).
"""
import argparse, csv, os, sys

import numpy as np
from scipy import ndimage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from render import (compose, dark_ink, digit_alpha, encode_jpeg, encode_png, load_mnist_test, lowfreq,
                    paper, perspective)

SINGLE_KINDS = ["tight", "frame", "desk", "shadow", "ruled", "camera", "colour", "strokes", "chalk"]
NUMBER_KINDS = ["spaced", "tight", "touching", "long", "form", "ruled"]


class Source:
    """Random MNIST test digits of one half (dev: 0-4999, heldout: 5000-9999)."""

    def __init__(self, rng, half):
        images, labels = load_mnist_test()
        lo, hi = (0, 5000) if half == 0 else (5000, 10000)
        self.images, self.labels = images[lo:hi], labels[lo:hi]
        self.by_label = [np.nonzero(self.labels == d)[0] for d in range(10)]
        self.rng = rng

    def any(self):
        i = self.rng.integers(len(self.labels))
        return self.images[i], int(self.labels[i])

    def of(self, digit):
        i = self.rng.choice(self.by_label[digit])
        return self.images[i]


def place_digit(bg, alpha, rng, ink, where=None, strength=1.0):
    H, W = bg.shape[:2]
    h, w = alpha.shape
    if where is None:
        m = int(0.04 * min(H, W))  # a little paper all round
        x = int(rng.uniform(m, max(m + 1, W - w - m)))
        y = int(rng.uniform(m, max(m + 1, H - h - m)))
    else:
        x, y = where
    compose(bg, alpha, ink, x, y, strength)
    return x, y


def canvas_for(alpha, rng, fill=(0.3, 0.7), aspect=(0.75, 1.35)):
    """A picture size in which the digit takes `fill` of the height."""
    h = alpha.shape[0] / rng.uniform(*fill)
    w = h * rng.uniform(*aspect)
    return int(h), int(max(w, alpha.shape[1] * 1.3))


# ---------------------------------------------------------------- single-digit kinds

def kind_tight(src, rng):
    img, label = src.any()
    height = int(rng.uniform(40, 360))
    blurry = rng.random() < 0.5
    a = digit_alpha(img, height, rng, blurry=blurry)
    margin = int(rng.integers(0, 3))
    bg = paper((a.shape[0] + 2 * margin, a.shape[1] + 2 * margin), rng, noise=rng.uniform(0, 3))
    compose(bg, a, dark_ink(rng), margin, margin)
    return bg, label


def kind_frame(src, rng):
    img, label = src.any()
    a = digit_alpha(img, int(rng.uniform(60, 260)), rng)
    H, W = canvas_for(a, rng, fill=(0.35, 0.7))
    bg = paper((H, W), rng)
    place_digit(bg, a, rng, dark_ink(rng))
    style = rng.choice(["border", "thick", "edge", "two-edges"])
    dark = np.array([rng.uniform(0, 70)] * 3) if rng.random() < 0.7 else np.array(rng.choice([[60, 40, 25], [40, 45, 60]]), float)
    if style in ("border", "thick"):
        t = int(rng.integers(1, 4)) if style == "border" else int(max(2, min(H, W) * rng.uniform(0.03, 0.09)))
        bg[:t], bg[-t:], bg[:, :t], bg[:, -t:] = dark, dark, dark, dark
    else:
        sides = rng.choice(4, size=1 if style == "edge" else 2, replace=False)
        yy, xx = np.mgrid[0:H, 0:W]
        for s in sides:
            depth = rng.uniform(0.04, 0.18)
            tilt = rng.uniform(-0.05, 0.05)
            if s == 0: m = yy < H * depth + tilt * (xx - W / 2)
            elif s == 1: m = yy > H * (1 - depth) + tilt * (xx - W / 2)
            elif s == 2: m = xx < W * depth + tilt * (yy - H / 2)
            else: m = xx > W * (1 - depth) + tilt * (yy - H / 2)
            tex = dark[None, :] * (1 + lowfreq((H, W), rng, 12, 0.15)[m][:, None])
            bg[m] = tex
    return bg, label


def kind_desk(src, rng):
    img, label = src.any()
    a = digit_alpha(img, int(rng.uniform(40, 200)), rng)
    # The sheet: a rotated rectangle covering part of the picture.
    sheet_h = a.shape[0] / rng.uniform(0.25, 0.6)
    sheet_w = sheet_h * rng.uniform(0.7, 1.4)
    H, W = int(sheet_h / rng.uniform(0.45, 0.85)), int(sheet_w / rng.uniform(0.45, 0.85))
    desk_colour = np.array(rng.choice([[110, 110, 110], [140, 100, 65], [90, 60, 40], [70, 80, 70], [160, 160, 150], [60, 60, 65]]), float)
    desk = desk_colour[None, None, :] * (1 + lowfreq((H, W), rng, 10, 0.12))[..., None]
    if rng.random() < 0.4:  # wood grain
        yy = np.mgrid[0:H, 0:W][0]
        desk *= (1 + 0.06 * np.sin(yy / rng.uniform(3, 9) + lowfreq((H, W), rng, 30, 3)))[..., None]
    desk += rng.normal(0, 3, desk.shape)
    sheet = paper((H, W), rng)
    cx, cy = W / 2 + rng.uniform(-0.15, 0.15) * W, H / 2 + rng.uniform(-0.15, 0.15) * H
    angle = np.radians(rng.uniform(-12, 12))
    yy, xx = np.mgrid[0:H, 0:W]
    u = (xx - cx) * np.cos(angle) + (yy - cy) * np.sin(angle)
    v = -(xx - cx) * np.sin(angle) + (yy - cy) * np.cos(angle)
    on = (np.abs(u) < sheet_w / 2) & (np.abs(v) < sheet_h / 2)
    # The digit on the sheet, near its middle.
    dx = int(cx - a.shape[1] / 2 + rng.uniform(-0.2, 0.2) * sheet_w * 0.5)
    dy = int(cy - a.shape[0] / 2 + rng.uniform(-0.2, 0.2) * sheet_h * 0.5)
    compose(sheet, a, dark_ink(rng), dx, dy)
    soft = ndimage.gaussian_filter(on.astype(float), 1.0)[..., None]
    bg = sheet * soft + desk * (1 - soft)
    return bg, label


def kind_shadow(src, rng):
    img, label = src.any()
    a = digit_alpha(img, int(rng.uniform(50, 240)), rng)
    H, W = canvas_for(a, rng, fill=(0.3, 0.75))
    bg = paper((H, W), rng)
    place_digit(bg, a, rng, dark_ink(rng))
    yy, xx = np.mgrid[0:H, 0:W]
    shade = np.ones((H, W))
    style = rng.choice(["edges", "blob", "band"])
    depth = rng.uniform(0.35, 0.7)
    if style == "edges":
        for s in rng.choice(4, size=2, replace=False):
            reach = rng.uniform(0.15, 0.45)
            soft = rng.uniform(0.03, 0.15)
            d = [yy / H, 1 - yy / H, xx / W, 1 - xx / W][s]
            shade *= 1 - depth * (1 / (1 + np.exp((d - reach) / soft)))
    elif style == "blob":
        cx, cy = rng.uniform(0, W), rng.uniform(0, H)
        r = rng.uniform(0.3, 0.7) * max(H, W)
        d = np.hypot((xx - cx) / r, (yy - cy) / (r * rng.uniform(0.5, 1.5)))
        shade *= 1 - depth * (1 / (1 + np.exp((d - 1) / rng.uniform(0.05, 0.2))))
    else:
        angle = rng.uniform(0, np.pi)
        d = (xx - W / 2) * np.cos(angle) + (yy - H / 2) * np.sin(angle)
        off = rng.uniform(-0.3, 0.3) * max(H, W)
        shade *= 1 - depth * (1 / (1 + np.exp((d - off) / (rng.uniform(0.02, 0.12) * max(H, W)))))
    return bg * shade[..., None], label


def rule(bg, rng, spacing, squared, colour=None, thickness=None, offset=None):
    H, W = bg.shape[:2]
    colour = np.array(colour if colour is not None else rng.choice([[150, 180, 220], [170, 170, 170], [120, 150, 200], [110, 110, 110], [200, 160, 160]]), float)
    t = thickness or int(rng.integers(1, 3))
    off = offset if offset is not None else rng.uniform(0, spacing)
    tilt = rng.uniform(-0.015, 0.015)
    yy, xx = np.mgrid[0:H, 0:W]
    lines = ((yy + tilt * xx - off) % spacing) < t
    if squared:
        lines |= ((xx - tilt * yy - off) % spacing) < t
    strength = rng.uniform(0.5, 1.0)
    bg[lines] = bg[lines] * (1 - strength) + colour * strength
    if rng.random() < 0.25 and not squared:  # a red margin line
        x = int(rng.uniform(0.05, 0.2) * W)
        bg[:, x:x + t + 1] = bg[:, x:x + t + 1] * 0.2 + np.array([220, 90, 90]) * 0.8


def kind_ruled(src, rng):
    img, label = src.any()
    a = digit_alpha(img, int(rng.uniform(50, 220)), rng)
    H, W = canvas_for(a, rng, fill=(0.3, 0.7))
    bg = paper((H, W), rng)
    squared = rng.random() < 0.4
    rule(bg, rng, a.shape[0] * rng.uniform(0.35, 0.9), squared)
    place_digit(bg, a, rng, dark_ink(rng))
    return bg, label


def kind_camera(src, rng):
    img, label = src.any()
    a = digit_alpha(img, int(rng.uniform(80, 400)), rng)
    H, W = canvas_for(a, rng, fill=(0.2, 0.6))
    bg = paper((H, W), rng, gradient=rng.uniform(0.1, 0.4))
    if rng.random() < 0.3:
        rule(bg, rng, a.shape[0] * rng.uniform(0.4, 0.9), rng.random() < 0.4)
    place_digit(bg, a, rng, dark_ink(rng), strength=rng.uniform(0.7, 1.0))
    bg = perspective(bg, rng, rng.uniform(0.0, 0.1))
    bg = ndimage.gaussian_filter(bg, sigma=(rng.uniform(0.3, 2.2),) * 2 + (0,))
    cast = rng.uniform(0.88, 1.08, 3)
    bg = bg * cast[None, None, :] + rng.normal(0, rng.uniform(2, 9), bg.shape)
    return bg, label


def kind_colour(src, rng):
    img, label = src.any()
    a = digit_alpha(img, int(rng.uniform(50, 240)), rng)
    H, W = canvas_for(a, rng)
    pairs = [  # (ink, paper): the last ones are nearly equal in brightness
        ([30, 60, 200], [250, 240, 150]), ([200, 30, 30], [200, 230, 250]), ([20, 130, 40], [250, 200, 220]),
        ([110, 30, 140], [245, 235, 210]), ([230, 120, 20], [250, 250, 250]), ([150, 20, 20], [250, 180, 90]),
        ([20, 20, 160], [180, 230, 180]), ([200, 40, 150], [240, 240, 200]),
        ([220, 50, 50], [80, 130, 210]), ([40, 120, 220], [230, 90, 70]), ([30, 150, 60], [220, 100, 170]),
    ]
    ink, pap = pairs[rng.integers(len(pairs))]
    bg = paper((H, W), rng, colour=np.array(pap) * rng.uniform(0.92, 1.02))
    place_digit(bg, a, rng, np.array(ink) * rng.uniform(0.85, 1.1))
    return bg, label


def kind_strokes(src, rng):
    img, label = src.any()
    height = int(rng.uniform(60, 300))
    if rng.random() < 0.5:
        a = digit_alpha(img, height, rng, pen=("thin", rng.uniform(0.5, 1.5)))
    else:
        a = digit_alpha(img, height, rng, pen=("thick", rng.uniform(0.2, 0.45)))
    H, W = canvas_for(a, rng, fill=(0.3, 0.75))
    bg = paper((H, W), rng)
    place_digit(bg, a, rng, dark_ink(rng))
    return bg, label


def kind_chalk(src, rng):
    img, label = src.any()
    a = digit_alpha(img, int(rng.uniform(50, 240)), rng)
    H, W = canvas_for(a, rng, fill=(0.3, 0.7))
    style = rng.choice(["board", "black", "dark-paper"])
    board = {"board": [40, 65, 50], "black": [25, 25, 28], "dark-paper": [30, 40, 90]}[style]
    bg = paper((H, W), rng, colour=np.array(board) * rng.uniform(0.8, 1.3), noise=rng.uniform(1, 5))
    if style == "board":  # smudges of old chalk
        bg += np.clip(lowfreq((H, W), rng, 20, 30), 0, None)[..., None]
        a = a * np.clip(0.75 + lowfreq(a.shape, rng, 3, 0.35), 0.2, 1)
    ink = [235, 235, 225] if style != "dark-paper" else rng.choice([[240, 240, 240], [240, 220, 120]])
    place_digit(bg, a, rng, ink, strength=rng.uniform(0.7, 1.0))
    return bg, label


SINGLE = {k: globals()["kind_" + k] for k in SINGLE_KINDS}


# ---------------------------------------------------------------- numbers

def number_alphas(src, text, rng, height):
    slant = rng.uniform(-0.25, 0.25)
    return [digit_alpha(src.of(int(c)), max(12, int(height * rng.uniform(0.88, 1.1))), rng,
                        slant=slant + rng.uniform(-0.08, 0.08)) for c in text]


def lay_out(alphas, gaps, rng, height):
    """Digits left to right with the given gaps (fractions of the height; negative overlap),
    on a common baseline with some wobble. Returns the combined coverage."""
    xs, x = [], 0
    for a, g in zip(alphas, gaps):
        xs.append(x)
        x += a.shape[1] + int(g * height)
    width = max(xs[i] + alphas[i].shape[1] for i in range(len(alphas)))
    ys = [int(height * 1.15 - a.shape[0] + rng.uniform(-0.06, 0.06) * height) for a in alphas]
    top = min(ys)
    out = np.zeros((max(y - top + a.shape[0] for a, y in zip(alphas, ys)), width))
    for a, x, y in zip(alphas, xs, ys):
        region = out[y - top:y - top + a.shape[0], x:x + a.shape[1]]
        np.maximum(region, a, out=region)
    return out


def make_number(src, rng, kind):
    n = int(rng.integers(8, 11)) if kind == "long" else int(rng.integers(2, 8))
    text = "".join(str(d) for d in rng.integers(0, 10, n))
    height = int(rng.uniform(40, 110))
    alphas = number_alphas(src, text, rng, height)
    gap = {"spaced": (0.2, 0.6), "tight": (0.02, 0.12), "touching": (-0.2, -0.06), "long": (0.08, 0.35),
           "form": (0.25, 0.5), "ruled": (0.1, 0.4)}[kind]
    gaps = rng.uniform(*gap, n)
    if kind == "touching":  # at least one pair touches, some are just close
        gaps = np.where(rng.random(n) < 0.7, gaps, rng.uniform(0.0, 0.1, n))
    ink = dark_ink(rng)
    if kind == "form":
        # One box per digit (a comb field), the digits written inside.
        cell = int(height * rng.uniform(1.05, 1.35))
        H, W = int(cell * rng.uniform(1.6, 2.4)), int(cell * (n + rng.uniform(0.8, 2.5)))
        bg = paper((H, W), rng)
        x0, y0 = int(rng.uniform(0.1, 0.6) * (W - cell * n)), int((H - cell) * rng.uniform(0.3, 0.7))
        line = np.array(rng.choice([[60, 60, 60], [90, 110, 170], [150, 150, 150]]), float)
        t = int(rng.integers(1, 3))
        bg[y0:y0 + t, x0:x0 + n * cell] = line
        bg[y0 + cell:y0 + cell + t, x0:x0 + n * cell + t] = line
        for i in range(n + 1):
            bg[y0:y0 + cell, x0 + i * cell:x0 + i * cell + t] = line
        for i, a in enumerate(alphas):
            fit = (cell - 2 * t - 4) / max(a.shape)
            if fit < 1:
                a = np.clip(ndimage.zoom(a, fit, order=1), 0, 1)
            cx = x0 + i * cell + (cell - a.shape[1]) // 2 + int(rng.uniform(-0.08, 0.08) * cell)
            cy = y0 + (cell - a.shape[0]) // 2 + int(rng.uniform(-0.08, 0.08) * cell)
            compose(bg, a, ink, cx, cy)
        return bg, text
    line_alpha = lay_out(alphas, gaps, rng, height)
    H = int(line_alpha.shape[0] / rng.uniform(0.3, 0.7))
    W = int(line_alpha.shape[1] * rng.uniform(1.1, 1.6))
    bg = paper((H, W), rng, gradient=rng.uniform(0.05, 0.25))
    if kind == "ruled":
        rule(bg, rng, height * rng.uniform(0.5, 1.0), rng.random() < 0.35)
    place_digit(bg, line_alpha, rng, ink)
    if rng.random() < 0.5:
        bg = ndimage.gaussian_filter(bg, sigma=(rng.uniform(0.3, 1.2),) * 2 + (0,))
        bg += rng.normal(0, rng.uniform(1, 5), bg.shape)
    return bg, text


# ---------------------------------------------------------------- other writers

def others(rng, out, count, exclude_seed=None):
    """UCI optical digits (scikit-learn) and handwriting fonts, on paper. `exclude_seed`:
    leave out the UCI digits that the set of that seed picked."""
    from PIL import Image, ImageDraw, ImageFont
    rows = []
    try:
        from sklearn.datasets import load_digits
        d = load_digits()
        pool = np.arange(len(d.target))
        if exclude_seed is not None:
            taken = np.random.default_rng(exclude_seed).choice(len(d.target), size=count, replace=False)
            pool = np.setdiff1d(pool, taken)
        pick = pool[rng.choice(len(pool), size=count, replace=False)]
        for j, i in enumerate(pick):
            g = d.images[i] / 16.0
            big = np.clip(ndimage.zoom(g, 12, order=3), 0, 1)
            big = (ndimage.gaussian_filter(big, 3) > 0.45).astype(float)
            a = ndimage.zoom(big, rng.uniform(0.8, 1.6), order=1)
            ys, xs = np.nonzero(a > 0.3)
            a = a[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
            H, W = canvas_for(a, rng)
            bg = paper((H, W), rng)
            place_digit(bg, a, rng, dark_ink(rng))
            rows.append(save(out, "uci-8x8", j, int(d.target[i]), bg, rng, jpeg=False))
    except ImportError:
        print("scikit-learn is not installed (pip install scikit-learn): no uci-8x8 pictures")
    fonts = [os.path.join(r, f) for r in ["/usr/share/fonts/opentype", "/usr/share/fonts/truetype"]
             for r, _, fs in os.walk(r) for f in fs
             if any(k in r.lower() + f.lower() for k in ["bwht", "breip", "fifthhorseman", "femke", "humor", "ecolier", "dancing", "comic-neue", "cabinsketch"])]
    fonts.sort()
    if not fonts:
        print("no handwriting fonts installed: see the docstring for the Debian packages")
    for j in range(count if fonts else 0):
        label = int(rng.integers(10))
        font = ImageFont.truetype(fonts[rng.integers(len(fonts))], 160)
        im = Image.new("L", (300, 300), 0)
        ImageDraw.Draw(im).text((60, 40), str(label), fill=255, font=font)
        g = np.asarray(im, float) / 255
        # Each sample its own hand: rotation, shear, elastic wobble, pen width.
        g = ndimage.rotate(g, rng.uniform(-10, 10), reshape=False, order=1)
        g = ndimage.affine_transform(g, [[1, 0], [rng.uniform(-0.2, 0.2), 1]], order=1)
        dx = ndimage.gaussian_filter(rng.uniform(-1, 1, g.shape), 12) * 250
        dy = ndimage.gaussian_filter(rng.uniform(-1, 1, g.shape), 12) * 250
        yy, xx = np.mgrid[0:300, 0:300]
        g = ndimage.map_coordinates(g, [yy + dy, xx + dx], order=1)
        mask = g > 0.5
        r = rng.uniform(-2, 4)
        mask = ndimage.distance_transform_edt(~mask) <= r if r > 0 else ndimage.distance_transform_edt(mask) > -r
        if mask.sum() < 30:
            mask = g > 0.5
        ys, xs = np.nonzero(mask)
        a = ndimage.gaussian_filter(mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(float), 0.7)
        a = ndimage.zoom(a, rng.uniform(0.4, 1.2), order=1)
        H, W = canvas_for(a, rng)
        bg = paper((H, W), rng)
        place_digit(bg, a, rng, dark_ink(rng))
        rows.append(save(out, "fonts", j, label, bg, rng, jpeg=False))
    return rows


# ---------------------------------------------------------------- files

def save(out, kind, i, label, img, rng, jpeg):
    folder = os.path.join(out, kind)
    os.makedirs(folder, exist_ok=True)
    if jpeg:
        name = f"{kind}-{i:04d}.jpg"
        data = encode_jpeg(img, rng.uniform(35, 92), orientation=int(rng.choice([1, 1, 3, 6, 8])))
    else:
        name = f"{kind}-{i:04d}.png"
        data = encode_png(img)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    return (os.path.join(kind, name), kind, label)


def write_labels(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "kind", "label"])
        w.writerows(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--set", choices=["dev", "dev2", "heldout", "others", "others-dev"], required=True)
    p.add_argument("--out", default="/work/realworld-sets")
    p.add_argument("--per-kind", type=int, default=100)
    p.add_argument("--numbers-per-kind", type=int, default=60)
    a = p.parse_args()
    seed = {"dev": 1, "heldout": 2, "others": 3, "others-dev": 4, "dev2": 5}[a.set]
    out = os.path.join(a.out, a.set)
    if a.set in ("others", "others-dev"):
        rows = others(np.random.default_rng(seed), os.path.join(out, "single"), a.per_kind * 3,
                      exclude_seed=3 if a.set == "others-dev" else None)
        write_labels(os.path.join(out, "single", "labels.csv"), rows)
        print(f"{len(rows)} pictures in {out}/single")
        return
    src = Source(np.random.default_rng(seed), half=0 if a.set in ("dev", "dev2") else 1)
    rows = []
    for kind in SINGLE_KINDS:
        rng = np.random.default_rng([seed, SINGLE_KINDS.index(kind)])
        src.rng = rng
        for i in range(a.per_kind):
            img, label = SINGLE[kind](src, rng)
            rows.append(save(os.path.join(out, "single"), kind, i, label, img, rng, jpeg=kind == "camera"))
        print(f"single/{kind}: {a.per_kind}", flush=True)
    write_labels(os.path.join(out, "single", "labels.csv"), rows)
    rows = []
    for kind in NUMBER_KINDS:
        rng = np.random.default_rng([seed, 100 + NUMBER_KINDS.index(kind)])
        src.rng = rng
        for i in range(a.numbers_per_kind):
            img, text = make_number(src, rng, kind)
            rows.append(save(os.path.join(out, "numbers"), kind, i, text, img, rng, jpeg=False))
        print(f"numbers/{kind}: {a.numbers_per_kind}", flush=True)
    write_labels(os.path.join(out, "numbers", "labels.csv"), rows)


if __name__ == "__main__":
    main()
