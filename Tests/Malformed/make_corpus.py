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
                              "{D}/train-images-idx3-ubyte: the header claims 2147483648 images of 28x28 (1.5 TB); DigitLab reads at most 128 MB of pixels from one file (171196 images of this size) — use a smaller data set"),
    "claims-2-to-32-minus-1-labels": ("train-labels-idx1-ubyte", struct.pack(">II", 0x801, 2**32 - 1) + bytes(20),
                                      "{D}/train-labels-idx1-ubyte: the header claims 4294967295 labels; DigitLab reads at most 171196 from one file — use a smaller data set"),
    "claims-under-the-cap-holds-less": ("train-images-idx3-ubyte", struct.pack(">IIII", 0x803, 100000, 28, 28) + bytes(84),
                                        "{D}/train-images-idx3-ubyte: truncated: the header promises 100000 images (78400000 bytes after the 16-byte header) but the file holds 84 — copy the file again"),
    "label-file-is-a-folder": ("t10k-labels-idx1-ubyte", "FOLDER",
                               "{D}/t10k-labels-idx1-ubyte: is a folder, not a file"),
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
    elif data == "FOLDER":  # git keeps no empty folder: put a file inside
        write(os.path.join(folder, name, "README"), b"a folder where a file should be\n")
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
    "not-a-png.png": (b"hello, I am text", "{F}: not a readable PNG (it is text, not a PNG) — check it is a PNG file"),
    "empty.png": (b"", "{F}: not a PNG or JPEG picture (the file is empty)"),
    "signature-only.png": (ok[:8], "{F}: not a readable PNG (libpng: read beyond end of data) — the file is cut short; copy or save it again"),
    "truncated-ihdr.png": (ok[:20], "{F}: not a readable PNG (libpng: read beyond end of data) — the file is cut short; copy or save it again"),
    "truncated-idat.png": (ok[:45], "{F}: damaged PNG data (libpng: read beyond end of data) — the file is cut short; copy or save it again"),
    "bad-crc.png": (bytes(bad_crc), "{F}: not a readable PNG (libpng: IHDR: CRC error) — the file is damaged; save it again"),
    "huge-dimensions.png": (png_bytes(1, 1, [0])[:16] + struct.pack(">II", 100000, 100000) + png_bytes(1, 1, [0])[24:],
                            "{F}: not a readable PNG"),
    "zero-width.png": (png_bytes(1, 1, [0])[:16] + struct.pack(">II", 0, 5) + png_bytes(1, 1, [0])[24:], "{F}: not a readable PNG"),
    "blank-page.png": (png_bytes(64, 64, [240] * 4096), "{F}: no digit found: the picture is blank or has no contrast — check that it shows the writing (dark on light, or light on dark), not an empty or faded page"),
    "garbage-idat.png": (ok[:33] + struct.pack(">I", 10) + b"IDAT" + b"0123456789" + struct.pack(">I", zlib.crc32(b"IDAT0123456789")) + ok[-12:],
                         "{F}: damaged PNG data (libpng: IDAT: incorrect header check) — the file is damaged; save it again"),
}
write_cases(os.path.join(HERE, "MalformedPNG"), png_cases)

# ---- safetensors files, read by `load model FILE` (and `digitlab predict --model FILE`) ----


def st_file(header, data=b"", raw_header=None):
    h = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(h)) + h + data


def architecture(layers, input=(1, 28, 28)):
    return json.dumps({"input": list(input), "layers": layers}, separators=(",", ":"))


# A good model: 1x28x28 → flatten → dense 2 (weight [2, 784] at bytes 0–6272, bias at 6272–6280).
FLAT, DENSE2 = {"flatten": {}}, {"dense": {"units": 2}}
arch = architecture([FLAT, DENSE2])
meta = {"format": "digitlab-model", "architecture": arch, "normalization_mean": "0", "normalization_std": "1",
        "classes": json.dumps(["a", "b"])}
good_tensors = {"1.weight": {"dtype": "F32", "shape": [2, 784], "data_offsets": [0, 6272]},
                "1.bias": {"dtype": "F32", "shape": [2], "data_offsets": [6272, 6280]}}
DATA = bytes(6280)


def with_(changes=None, drop=None, meta_changes=None, data=DATA, tensors=None):
    h = {"__metadata__": dict(meta, **(meta_changes or {}))}
    for k in drop or []:
        h["__metadata__"].pop(k, None)
    h.update({k: dict(v) for k, v in (tensors or good_tensors).items()})
    for k, v in (changes or {}).items():
        h[k] = v
    for k in drop or []:
        h.pop(k, None)
    return st_file(h, data)


def with_data(offset, value):
    d = bytearray(DATA)
    d[offset:offset + 4] = struct.pack("<f", value)
    return bytes(d)


def deep(n):
    return "[" * n + "]" * n


def conv(filters, kernel, pad, stride=1):
    return {"conv": {"filters": filters, "kernel": kernel, "padding": {"fixed": {"_0": pad}}, "stride": stride}}


# batchnorm over the 784 flat values: 1.weight/bias/running_mean/running_var, then dense 2 as layer 2.
bn_tensors = {"1.weight": {"dtype": "F32", "shape": [784], "data_offsets": [0, 3136]},
              "1.bias": {"dtype": "F32", "shape": [784], "data_offsets": [3136, 6272]},
              "1.running_mean": {"dtype": "F32", "shape": [784], "data_offsets": [6272, 9408]},
              "1.running_var": {"dtype": "F32", "shape": [784], "data_offsets": [9408, 12544]},
              "2.weight": {"dtype": "F32", "shape": [2, 784], "data_offsets": [12544, 18816]},
              "2.bias": {"dtype": "F32", "shape": [2], "data_offsets": [18816, 18824]}}
bn_data = bytearray(18824)
bn_data[9408 + 12:9408 + 16] = struct.pack("<f", -3.0)
header_bytes = json.dumps(dict({"__metadata__": meta}, **good_tensors), separators=(",", ":")).encode()

st_cases = {
    "too-short.safetensors": (b"\x01\x02", "{F}: truncated: 2 bytes, not even the 8-byte header length"),
    "header-beyond-file.safetensors": (struct.pack("<Q", 10**9) + b"{}", "{F}: header length 1000000000 at byte 0 runs past the end of the file (10 bytes) — the file is truncated or not safetensors"),
    "header-length-2-to-64.safetensors": (struct.pack("<Q", 2**64 - 1) + b"{}", "{F}: header length 18446744073709551615 at byte 0 runs past the end of the file (10 bytes) — the file is truncated or not safetensors"),
    "invalid-json.safetensors": (st_file(None, raw_header=b"{\"a\": [1, 2"), "{F}: invalid JSON in the header (bytes 8–19) — the file is damaged"),
    "header-not-object.safetensors": (st_file(None, raw_header=b"[1,2,3]"), "{F}: the header is not a JSON object"),
    "header-json-10000-deep.safetensors": (st_file(None, raw_header=header_bytes[:-1] + b',"x":' + deep(10000).encode() + b"}"),
                                            "{F}: the header's JSON nests more than 64 levels (at byte %d) — the file is damaged" % (8 + len(header_bytes) - 1 + 5 + 63)),
    "unknown-dtype.safetensors": (with_({"1.bias": {"dtype": "Q4", "shape": [2], "data_offsets": [6272, 6280]}}),
                                  "{F}: tensor '1.bias': dtype Q4 is not supported (DigitLab reads F32 weights)"),
    "shape-vs-span.safetensors": (with_({"1.bias": {"dtype": "F32", "shape": [3], "data_offsets": [6272, 6280]}}),
                                  "{F}: tensor '1.bias': shape [3] of F32 needs 12 bytes but data_offsets span 8"),
    "shape-2-to-62.safetensors": (with_({"1.bias": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [6272, 6280]}}),
                                  "{F}: tensor '1.bias': shape [4611686018427387904] of F32 needs too many bytes but data_offsets span 8"),
    "shape-2-to-61-times-4-bytes.safetensors": (with_({"1.bias": {"dtype": "F32", "shape": [2**61], "data_offsets": [6272, 6280]}}),
                                                "{F}: tensor '1.bias': shape [2305843009213693952] of F32 needs too many bytes but data_offsets span 8"),
    "shape-product-overflows.safetensors": (with_({"1.bias": {"dtype": "F32", "shape": [2**31, 2**31, 4], "data_offsets": [6272, 6280]}}),
                                            "{F}: tensor '1.bias': shape [2147483648, 2147483648, 4] of F32 needs too many bytes but data_offsets span 8"),
    "offsets-out-of-range.safetensors": (with_({"1.bias": {"dtype": "F32", "shape": [2], "data_offsets": [6276, 6284]}}),
                                         "{F}: tensor '1.bias': data_offsets [6276, 6284] fall outside the 6280 data bytes"),
    "offsets-near-int-max.safetensors": (with_({"1.bias": {"dtype": "F32", "shape": [2], "data_offsets": [2**63 - 9, 2**63 - 1]}}),
                                         "{F}: tensor '1.bias': data_offsets [9223372036854775799, 9223372036854775807] fall outside the 6280 data bytes"),
    "offsets-overlap.safetensors": (with_({"1.bias": {"dtype": "F32", "shape": [2], "data_offsets": [6268, 6276]}}),
                                    "{F}: tensors '1.weight' and '1.bias' overlap (bytes 6268–6272) — the file is damaged"),
    "negative-offsets.safetensors": (with_({"1.bias": {"dtype": "F32", "shape": [2], "data_offsets": [6280, 6272]}}),
                                     "{F}: tensor '1.bias': data_offsets [6280, 6272] fall outside the 6280 data bytes"),
    "missing-tensor.safetensors": (with_(drop=["1.bias"], data=bytes(6272)), "{F}: missing tensor '1.bias' that the architecture needs"),
    "wrong-shape.safetensors": (with_({"1.weight": {"dtype": "F32", "shape": [784, 2], "data_offsets": [0, 6272]}}),
                                "{F}: architecture mismatch: tensor '1.weight' is F32 [784, 2], the architecture needs F32 [2, 784]"),
    "extra-tensor.safetensors": (with_({"5.weight": {"dtype": "F32", "shape": [1], "data_offsets": [6280, 6284]}}, data=bytes(6284)),
                                 "{F}: architecture mismatch: tensor '5.weight' belongs to no layer of the architecture"),
    "no-architecture.safetensors": (with_(drop=["architecture"]),
                                    "{F}: no DigitLab architecture in __metadata__ — this file holds tensors but not the network that uses them (see Docs/model-format.md)"),
    "architecture-not-json.safetensors": (with_(meta_changes={"architecture": "not json"}),
                                          "{F}: the architecture in __metadata__ is not a list of DigitLab layers — the file is damaged or was not written by DigitLab (see Docs/model-format.md)"),
    "architecture-10000-deep.safetensors": (with_(meta_changes={"architecture": '{"input":' + deep(10000) + ',"layers":[]}'}),
                                             "{F}: the architecture in __metadata__ is not a list of DigitLab layers — the file is damaged or was not written by DigitLab (see Docs/model-format.md)"),
    "architecture-1002-layers.safetensors": (with_(meta_changes={"architecture": architecture([FLAT, DENSE2] + [{"activation": {"_0": "relu"}}] * 1000)}),
                                             "{F}: the architecture lists 1002 layers; DigitLab allows at most 1000"),
    "architecture-300-convolutions.safetensors": (with_(meta_changes={"architecture": architecture([conv(64, 3, 1)] * 300 + [FLAT, DENSE2])}),
                                                  "{F}: the network would cost %d operations per image — classifying one picture would take seconds, training days; DigitLab allows 2000000000"
                                                  % (2 * 9 * 64 * 784 + 299 * 2 * 64 * 9 * 64 * 784 + 2 * 2 * 64 * 784)),
    "input-negative.safetensors": (with_(meta_changes={"architecture": architecture([FLAT, DENSE2], input=(-1, 28, 28))}),
                                   "{F}: the model's input is -1x28x28, but DigitLab's pictures are 1x28x28 — this model was made for other data"),
    "input-3x32x32.safetensors": (with_(meta_changes={"architecture": architecture([FLAT, DENSE2], input=(3, 32, 32))}),
                                  "{F}: the model's input is 3x32x32, but DigitLab's pictures are 1x28x28 — this model was made for other data"),
    "input-huge.safetensors": (with_(meta_changes={"architecture": architecture([FLAT, DENSE2], input=(1, 2**40, 2**40))}),
                               "{F}: the model's input is 1x1099511627776x1099511627776, but DigitLab's pictures are 1x28x28 — this model was made for other data"),
    "dense-zero.safetensors": (with_(meta_changes={"architecture": architecture([FLAT, {"dense": {"units": 0}}])}),
                               "{F}: layer 1 (dense 0) cannot follow the one before: dense needs at least 1 unit, got 0"),
    "dense-2-to-62.safetensors": (with_(meta_changes={"architecture": architecture([FLAT, {"dense": {"units": 2**62}}])}),
                                  "{F}: layer 1 (dense 4611686018427387904) cannot follow the one before: dense 4611686018427387904 would need too many weights and 4611686018427387904 outputs per image — far more than fits in memory; DigitLab allows 100000000 weights per layer"),
    "conv-pad-int-max.safetensors": (with_(meta_changes={"architecture": architecture([conv(2, 3, 2**63 - 1), FLAT, DENSE2])}),
                                     "{F}: layer 0 (conv 2 3x3 pad 9223372036854775807) cannot follow the one before: padding 9223372036854775807 is more than a 3x3 kernel can use: at most 2 (wider padding only adds outputs that see nothing but zeros)"),
    "conv-pad-3000.safetensors": (with_(meta_changes={"architecture": architecture([conv(1, 3, 3000), {"maxpool": {"size": 2}}, FLAT, DENSE2])}),
                                  "{F}: layer 0 (conv 1 3x3 pad 3000) cannot follow the one before: padding 3000 is more than a 3x3 kernel can use: at most 2 (wider padding only adds outputs that see nothing but zeros)"),
    "conv-kernel-2-to-32.safetensors": (with_(meta_changes={"architecture": architecture([conv(2, 2**32, 0), FLAT, DENSE2])}),
                                        "{F}: layer 0 (conv 2 4294967296x4294967296) cannot follow the one before: conv 4294967296x4294967296 needs an input of at least 4294967296x4294967296, this one is 28x28x1"),
    "conv-stride-int-max.safetensors": (with_(meta_changes={"architecture": architecture([conv(2, 3, 1, stride=2**63 - 1), FLAT, DENSE2])}),
                                        "{F}: missing tensor '0.weight' that the architecture needs"),
    "pool-2-to-62.safetensors": (with_(meta_changes={"architecture": architecture([{"maxpool": {"size": 2**62}}, FLAT, DENSE2])}),
                                 "{F}: layer 0 (maxpool 4611686018427387904) cannot follow the one before: maxpool 4611686018427387904 needs an input of at least 4611686018427387904x4611686018427387904, this one is 28x28x1"),
    "metadata-not-strings.safetensors": (st_file({"__metadata__": {"seed": 3}}), "{F}: __metadata__ value for 'seed' is not a string"),
    "no-normalisation.safetensors": (with_(drop=["normalization_mean", "normalization_std"]),
                                     "{F}: __metadata__ lacks normalization_mean/normalization_std — needed to prepare images as in training"),
    "std-zero.safetensors": (with_(meta_changes={"normalization_std": "0"}),
                             "{F}: normalization_std is '0': it must be a finite number above 0.000001 — the file is damaged"),
    "std-1e-45.safetensors": (with_(meta_changes={"normalization_std": "1e-45"}),
                              "{F}: normalization_std is '1e-45': it must be a finite number above 0.000001 — the file is damaged"),
    "std-nan.safetensors": (with_(meta_changes={"normalization_std": "nan"}),
                            "{F}: normalization_std is 'nan': it must be a finite number above 0.000001 — the file is damaged"),
    "mean-inf.safetensors": (with_(meta_changes={"normalization_mean": "inf"}),
                             "{F}: normalization_mean is 'inf': it must be a finite number — the file is damaged"),
    "mean-over-std-overflows.safetensors": (with_(meta_changes={"normalization_mean": "3e38", "normalization_std": "0.01"}),
                                            "{F}: normalization_mean 3e+38 and std 0.01 turn pixels into infinities — the file is damaged"),
    "weight-nan.safetensors": (with_(data=with_data(0, float("nan"))),
                               "{F}: tensor '1.weight' holds nan at index 0 (byte offset %d) — the model is damaged, or was saved after training diverged" % (8 + len(with_(data=b"")) - 8)),
    "bias-inf.safetensors": (with_(data=with_data(6276, float("inf"))),
                             "{F}: tensor '1.bias' holds inf at index 1 (byte offset %d) — the model is damaged, or was saved after training diverged" % (len(with_(data=b"")) + 6276)),
    "weights-3e38-overflow.safetensors": (with_(data=struct.pack("<f", 3e38) * (6280 // 4)),
                                          "{F}: the model's outputs are not finite numbers for a blank or an all-ink picture — its weights are damaged (too large)"),
    "negative-running-var.safetensors": (with_(meta_changes={"architecture": architecture([FLAT, {"batchnorm": {}}, DENSE2])}, tensors=bn_tensors, data=bytes(bn_data)),
                                         "{F}: tensor '1.running_var' holds a negative variance (-3.0) at index 3 — the model is damaged"),
    "shape-9-dimensions.safetensors": (with_({"1.bias": {"dtype": "F32", "shape": [2] + [1] * 8, "data_offsets": [6272, 6280]}}),
                                       "{F}: tensor '1.bias': shape has 9 dimensions, at most 8"),
    "class-name-escape.safetensors": (with_(meta_changes={"classes": json.dumps(["a", "\u001b]0;pwned\u0007"])}),
                                      "{F}: class name 1 in __metadata__ holds a control character — the file is damaged or hostile"),
    "classes-empty.safetensors": (with_(meta_changes={"classes": "[]"}),
                                  "{F}: classes in __metadata__ must be 1 to 1000 names of at most 200 bytes, got 0"),
    "classes-10000-deep.safetensors": (with_(meta_changes={"classes": deep(10000)}),
                                        "{F}: classes in __metadata__ is not a JSON list of names — the file is damaged"),
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
