#!/usr/bin/env python3
"""Makes the two test sets of moved digits that lessons 12 and 14 load with `load idx`.

Each folder holds the four IDX files DigitLab expects: the training files are links to
MNIST's own (data/mnist), unchanged and centred; the test files hold MNIST's first
2,000 test digits, changed once, with a fixed seed:

  mnist-shifted-2px/       every digit moved 2 pixels across, down, or both (one of
                           the 8 directions, chosen at random), the edge filled with paper;
  mnist-small-off-centre/  every digit shrunk to half size (each 2x2 block of pixels
                           averaged: 28x28 -> 14x14) and put at a random place in 28x28.

Run from the DigitLab folder: python3 lessons/data/make-moved-digits.py
The output is the same bytes every time (seeded generator, gzip without a timestamp).
"""
import gzip
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "..", "data", "mnist")
COUNT = 2000


def read_idx(path):
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


def write_idx(path, array):
    header = struct.pack(">I", 0x0800 | array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def shifted(images, pixels, rng):
    directions = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)]
    out = np.zeros_like(images)
    for i, image in enumerate(images):
        dx, dy = directions[rng.integers(len(directions))]
        dx, dy = dx * pixels, dy * pixels
        frame = np.zeros((28 + 2 * pixels, 28 + 2 * pixels), np.uint8)
        frame[pixels + dy:pixels + dy + 28, pixels + dx:pixels + dx + 28] = image
        out[i] = frame[pixels:pixels + 28, pixels:pixels + 28]
    return out


def small_off_centre(images, rng):
    out = np.zeros_like(images)
    for i, image in enumerate(images):
        half = image.reshape(14, 2, 14, 2).astype(np.float32).mean(axis=(1, 3))
        x, y = rng.integers(0, 15), rng.integers(0, 15)
        out[i, y:y + 14, x:x + 14] = np.round(half).astype(np.uint8)
    return out


def make(name, images, labels):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    write_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz"), images)
    write_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"), labels)
    for f in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]:
        link = os.path.join(folder, f)
        if not os.path.lexists(link):
            os.symlink(os.path.join("..", "..", "..", "data", "mnist", f), link)


def main():
    images = read_idx(os.path.join(MNIST, "t10k-images-idx3-ubyte.gz"))[:COUNT]
    labels = read_idx(os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz"))[:COUNT]
    make("mnist-shifted-2px", shifted(images, 2, np.random.default_rng(2)), labels)
    make("mnist-small-off-centre", small_off_centre(images, np.random.default_rng(14)), labels)


if __name__ == "__main__":
    main()
