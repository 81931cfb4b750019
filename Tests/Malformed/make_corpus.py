"""Writes the malformed-input corpus: every case is a file (or an IDX folder) plus
`expected.txt` lines `CASE<TAB>the one-line error` (CASE is replaced by the path).
The Swift test (Tests/DigitLabShellTests/MalformedCorpusTests.swift) feeds each case to
the real command and compares the error.  Run: python3 Tests/Malformed/make_corpus.py
"""
import gzip, json, os, shutil, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def idx_images(n, rows=28, cols=28, magic=0x803):
    return struct.pack(">IIII", magic, n, rows, cols) + bytes((i * 7) % 256 for i in range(n * rows * cols))


def idx_labels(values, magic=0x801):
    return struct.pack(">II", magic, len(values)) + bytes(values)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_cases(folder, cases):
    """One file per case (bytes or text) and expected.txt: NAME<TAB>error."""
    shutil.rmtree(folder, ignore_errors=True)
    for name, (data, _) in cases.items():
        write(os.path.join(folder, name), data if isinstance(data, bytes) else data.encode())
    with open(os.path.join(folder, "expected.txt"), "w") as f:
        f.write("".join(f"{name}\t{error}\n" for name, (_, error) in cases.items()))


# ---- IDX folders: three good files and one bad one, loaded with `load idx DIR` ----
idx = os.path.join(HERE, "MalformedIDX")
shutil.rmtree(idx, ignore_errors=True)
good = {"train-images-idx3-ubyte": idx_images(20), "train-labels-idx1-ubyte": idx_labels([i % 10 for i in range(20)]),
        "t10k-images-idx3-ubyte": idx_images(5), "t10k-labels-idx1-ubyte": idx_labels([1, 2, 3, 4, 5])}
idx_cases = {
    "bad-magic": ("train-images-idx3-ubyte", b"\x00\x00\x08\x04" + idx_images(20)[4:],
                  "{D}/train-images-idx3-ubyte: bad magic number 0x00000804 at byte 0, expected 0x00000803 for an image file: not an IDX image file"),
    "labels-as-images": ("train-images-idx3-ubyte", idx_labels([1, 2, 3]),
                         "{D}/train-images-idx3-ubyte: bad magic number 0x00000801 at byte 0, expected 0x00000803 for an image file: this is a label file, an image file was expected"),
    "truncated-header": ("t10k-images-idx3-ubyte", idx_images(5)[:10],
                         "{D}/t10k-images-idx3-ubyte: truncated header: 10 of 16 bytes — the file is empty or cut short"),
    "empty-file": ("t10k-labels-idx1-ubyte", b"",
                   "{D}/t10k-labels-idx1-ubyte: truncated header: 0 of 8 bytes — the file is empty or cut short"),
    "truncated-body": ("train-images-idx3-ubyte", idx_images(20)[:5000],
                       "{D}/train-images-idx3-ubyte: truncated: the header promises 20 images (15680 bytes after the 16-byte header) but the file holds 4984 — copy the file again"),
    "claims-2-to-31-images": ("train-images-idx3-ubyte", struct.pack(">IIII", 0x803, 2**31, 28, 28) + bytes(84),
                              "{D}/train-images-idx3-ubyte: truncated: the header promises 2147483648 images (1683627180032 bytes after the 16-byte header) but the file holds 84 — copy the file again"),
    "count-mismatch": ("train-labels-idx1-ubyte", idx_labels([1] * 19),
                       "{D}: train-images-idx3-ubyte has 20 images but train-labels-idx1-ubyte has 19 labels — the files do not belong together"),
    "label-above-9": ("t10k-labels-idx1-ubyte", idx_labels([1, 2, 12, 4, 5]),
                      "{D}/t10k-labels-idx1-ubyte: label 12 at index 2 (byte offset 10) is not a class 0–9"),
    "not-28x28": ("t10k-images-idx3-ubyte", idx_images(5, 32, 32),
                  "{D}/t10k-images-idx3-ubyte: images are 32x32, DigitLab needs 28x28 — resize them or use `load folder` for your own images"),
    "corrupt-gzip": ("train-images-idx3-ubyte.gz", None,
                     "{D}/train-images-idx3-ubyte.gz: corrupt gzip stream"),
    "missing-file": ("t10k-labels-idx1-ubyte", "DELETE",
                     "{D}: no t10k-labels-idx1-ubyte[.gz] (or t10k-labels.idx1-ubyte) here — an IDX folder needs the four MNIST-format files"),
}
expected = []
for case, (name, data, error) in idx_cases.items():
    folder = os.path.join(idx, case)
    for n, d in good.items():
        if not (name.startswith(n) or (data == "DELETE" and n == name)):
            write(os.path.join(folder, n), d)
    if data == "DELETE":
        pass  # the case is the missing file itself
    elif data is None:  # gzip stream damaged in the middle
        z = bytearray(gzip.compress(idx_images(20), mtime=0))
        for i in range(40, 80):
            z[i] ^= 0x5A
        write(os.path.join(folder, name), bytes(z))
    else:
        write(os.path.join(folder, name), data)
    expected.append(f"{case}\t{error}")
with open(os.path.join(idx, "expected.txt"), "w") as f:
    f.write("\n".join(expected) + "\n")

# ---- PNG files, read by `predict file PATH` ----


def png_bytes(w, h, pixels, color_type=0, depth=8):
    raw = b"".join(b"\x00" + bytes(pixels[y * w:(y + 1) * w]) for y in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


ok = png_bytes(16, 16, [255] * 256)
bad_crc = bytearray(ok); bad_crc[30] ^= 0xFF
png_cases = {
    "not-a-png.png": (b"hello, I am text", "{F}: not a readable PNG (libpng: Not a PNG file) — check it is a PNG file"),
    "empty.png": (b"", "{F}: not a readable PNG"),
    "signature-only.png": (ok[:8], "{F}: not a readable PNG"),
    "truncated-ihdr.png": (ok[:20], "{F}: not a readable PNG"),
    "truncated-idat.png": (ok[:45], "{F}: damaged PNG data"),
    "bad-crc.png": (bytes(bad_crc), "{F}: not a readable PNG"),
    "huge-dimensions.png": (png_bytes(1, 1, [0])[:16] + struct.pack(">II", 100000, 100000) + png_bytes(1, 1, [0])[24:],
                            "{F}: not a readable PNG"),
    "zero-width.png": (png_bytes(1, 1, [0])[:16] + struct.pack(">II", 0, 5) + png_bytes(1, 1, [0])[24:], "{F}: not a readable PNG"),
    "blank-page.png": (png_bytes(64, 64, [240] * 4096), "{F}: no digit found: the picture is blank or has no contrast"),
    "garbage-idat.png": (ok[:33] + struct.pack(">I", 10) + b"IDAT" + b"0123456789" + struct.pack(">I", zlib.crc32(b"IDAT0123456789")) + ok[-12:],
                         "{F}: damaged PNG data"),
}
write_cases(os.path.join(HERE, "MalformedPNG"), png_cases)

# ---- safetensors files, read by `load model FILE` ----


def st_file(header, data=b"", raw_header=None):
    h = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(h)) + h + data


arch = json.dumps({"input": [4], "layers": [{"dense": {"units": 2}}]}, separators=(",", ":"))
meta = {"format": "digitlab-model", "architecture": arch, "normalization_mean": "0", "normalization_std": "1",
        "classes": json.dumps(["a", "b"])}
good_tensors = {"0.weight": {"dtype": "F32", "shape": [2, 4], "data_offsets": [0, 32]},
                "0.bias": {"dtype": "F32", "shape": [2], "data_offsets": [32, 40]}}
data40 = bytes(40)


def with_(changes=None, drop=None, meta_changes=None, data=data40):
    h = {"__metadata__": dict(meta, **(meta_changes or {}))}
    h.update({k: dict(v) for k, v in good_tensors.items()})
    for k, v in (changes or {}).items():
        h[k] = v
    for k in drop or []:
        h.pop(k)
    return st_file(h, data)


st_cases = {
    "too-short.safetensors": (b"\x01\x02", "{F}: truncated: 2 bytes, not even the 8-byte header length"),
    "header-beyond-file.safetensors": (struct.pack("<Q", 10**9) + b"{}", "{F}: header length 1000000000 at byte 0 runs past the end of the file (10 bytes) — the file is truncated or not safetensors"),
    "invalid-json.safetensors": (st_file(None, raw_header=b"{\"a\": [1, 2"), "{F}: invalid JSON in the header (bytes 8–19) — the file is damaged"),
    "header-not-object.safetensors": (st_file(None, raw_header=b"[1,2,3]"), "{F}: the header is not a JSON object"),
    "unknown-dtype.safetensors": (with_({"0.bias": {"dtype": "Q4", "shape": [2], "data_offsets": [32, 40]}}),
                                  "{F}: tensor '0.bias': dtype Q4 is not supported (DigitLab reads F32 weights)"),
    "shape-vs-span.safetensors": (with_({"0.bias": {"dtype": "F32", "shape": [3], "data_offsets": [32, 40]}}),
                                  "{F}: tensor '0.bias': shape [3] of F32 needs 12 bytes but data_offsets span 8"),
    "offsets-out-of-range.safetensors": (with_({"0.bias": {"dtype": "F32", "shape": [2], "data_offsets": [36, 44]}}),
                                         "{F}: tensor '0.bias': data_offsets [36, 44] fall outside the 40 data bytes"),
    "offsets-overlap.safetensors": (with_({"0.bias": {"dtype": "F32", "shape": [2], "data_offsets": [28, 36]}}),
                                    "{F}: tensors '0.weight' and '0.bias' overlap (bytes 28–32) — the file is damaged"),
    "negative-offsets.safetensors": (with_({"0.bias": {"dtype": "F32", "shape": [2], "data_offsets": [40, 32]}}),
                                     "{F}: tensor '0.bias': data_offsets [40, 32] fall outside the 40 data bytes"),
    "missing-tensor.safetensors": (with_(drop=["0.bias"], data=bytes(32)), "{F}: missing tensor '0.bias' that the architecture needs"),
    "wrong-shape.safetensors": (with_({"0.weight": {"dtype": "F32", "shape": [4, 2], "data_offsets": [0, 32]}}),
                                "{F}: architecture mismatch: tensor '0.weight' is F32 [4, 2], the architecture needs F32 [2, 4]"),
    "extra-tensor.safetensors": (with_({"5.weight": {"dtype": "F32", "shape": [1], "data_offsets": [40, 44]}}, data=bytes(44)),
                                 "{F}: architecture mismatch: tensor '5.weight' belongs to no layer of the architecture"),
    "no-architecture.safetensors": (with_(meta_changes={"architecture": "not json"}),
                                    "{F}: no DigitLab architecture in __metadata__ — this file holds tensors but not the network that uses them (see Docs/model-format.md)"),
    "metadata-not-strings.safetensors": (st_file({"__metadata__": {"seed": 3}}), "{F}: __metadata__ value for 'seed' is not a string"),
    "no-normalisation.safetensors": (with_(meta_changes={"normalization_std": "0"}),
                                     "{F}: __metadata__ lacks normalization_mean/normalization_std — needed to prepare images as in training"),
}
write_cases(os.path.join(HERE, "MalformedSafetensors"), st_cases)

# ---- lessons and scripts, run with `digitlab run FILE` ----
lesson_cases = {
    "no-title.lesson": ("Some prose.\n> data\n", "{F}:1: a lesson needs a `# title: …` line"),
    "unknown-header.lesson": ("# title: T\n# author: me\n", "{F}:2: unknown header 'author' — title, summary, minutes or requires"),
    "bad-minutes.lesson": ("# title: T\n# minutes: two\n", "{F}:2: minutes must be a whole number, got 'two'"),
    "unknown-command.lesson": ("# title: T\n\n> trian epoch\n", "{F}:3: unknown command 'trian' — did you mean train?"),
    "bad-expect-value.lesson": ("# title: T\nexpect test.acc >= 0.9\n", "{F}:2: expect: unknown value 'test.acc' — one of test.accuracy, validation.accuracy, train.accuracy, test.loss, validation.loss, train.loss, train.count, test.count, validation.count, network.layers, network.parameters, epochs, steps, run.NAME.(validation.accuracy|train.loss|train.accuracy|epochs), or file PATH"),
    "bad-expect-operator.lesson": ("# title: T\nexpect test.accuracy ~ 0.9\n", "{F}:2: expect: write `expect VALUE OP VALUE [quick NUMBER] [try WHAT TO DO]` with OP one of >=, >, <=, <"),
    "failing-command.lesson": ("# title: T\n> net add conv 6 29x29\n", "{F}:2: net add conv 6 29x29: conv 29x29 needs an input of at least 29x29, this one is 28x28x1"),
    "failing-expect.lesson": ("# title: T\n> load mnist --train 10 --test 10\nexpect train.count >= 100\n", "{F}:3: expected train.count >= 100, but it is 10"),
    "bad-script.txt": ("load mnist --train 10 --test 5\nnet preset mlp\nset lr banana\n", "{F}:3: set lr: RATE (the learning rate) must be a number from 1e-09 to 1000, got 'banana'"),
    "script-before-data.txt": ("net preset mlp\ntrain epoch\n", "{F}:2: no data loaded — start with `load mnist`"),
}
write_cases(os.path.join(HERE, "MalformedLessons"), lesson_cases)
print("cases:", len(idx_cases) + len(png_cases) + len(st_cases) + len(lesson_cases))
