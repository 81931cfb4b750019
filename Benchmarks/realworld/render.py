"""Drawing helpers for make_sets.py: MNIST digits as pen strokes, paper, desks, shadows,
ruled paper, camera effects. Everything takes an explicit numpy Generator, so a seed
gives the same pictures."""
import gzip, io, os, struct

import numpy as np
from scipy import ndimage
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_mnist_test():
    """The 10,000 MNIST test digits (uint8, 255 = ink) and labels. Their writers are
    disjoint from the training set's."""
    d = os.path.join(ROOT, "data", "mnist")
    with gzip.open(os.path.join(d, "t10k-images-idx3-ubyte.gz")) as f:
        _, n, r, c = struct.unpack(">IIII", f.read(16))
        images = np.frombuffer(f.read(n * r * c), np.uint8).reshape(n, r, c)
    with gzip.open(os.path.join(d, "t10k-labels-idx1-ubyte.gz")) as f:
        f.read(8)
        labels = np.frombuffer(f.read(n), np.uint8)
    return images, labels


# ---------------------------------------------------------------- strokes

def thin(mask):
    """Zhang-Suen thinning of a boolean mask to one-pixel strokes."""
    m = mask.astype(np.uint8).copy()
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            p = np.pad(m, 1)
            P2, P3, P4 = p[:-2, 1:-1], p[:-2, 2:], p[1:-1, 2:]
            P5, P6, P7 = p[2:, 2:], p[2:, 1:-1], p[2:, :-2]
            P8, P9 = p[1:-1, :-2], p[:-2, :-2]
            nb = [P2, P3, P4, P5, P6, P7, P8, P9]
            B = sum(x.astype(int) for x in nb)
            seq = nb + [P2]
            A = sum(((seq[i] == 0) & (seq[i + 1] == 1)).astype(int) for i in range(8))
            if step == 0:
                c = (P2 * P4 * P6 == 0) & (P4 * P6 * P8 == 0)
            else:
                c = (P2 * P4 * P8 == 0) & (P2 * P6 * P8 == 0)
            rm = (m == 1) & (B >= 2) & (B <= 6) & (A == 1) & c
            if rm.any():
                m[rm] = 0
                changed = True
    return m.astype(bool)


def digit_alpha(img28, height, rng, width_scale=1.0, pen=None, slant=0.0, blurry=False):
    """Ink coverage (0..1) of one MNIST digit drawn `height` pixels tall, cropped to the
    ink. pen: None keeps MNIST's own stroke width; ("thin", px) redraws the strokes as a
    pen of that width along their skeleton; ("thick", factor) widens them.
    blurry=True is MNIST simply enlarged (as a user who crops and scales one would)."""
    ys, xs = np.nonzero(img28 > 40)
    crop = img28[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(float) / 255
    if slant:
        pad = int(abs(slant) * crop.shape[0]) + 2
        crop = np.pad(crop, ((0, 0), (pad, pad)))
        h = crop.shape[0]
        crop = ndimage.affine_transform(crop, [[1, 0], [slant, 1]], offset=[0, -slant * h / 2], order=1)
        ys, xs = np.nonzero(crop > 0.15)
        crop = crop[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    s = height / crop.shape[0]
    if blurry:
        return np.clip(ndimage.zoom(crop, (s, s * width_scale), order=1), 0, 1)
    # Render at 2x, smooth, threshold to a crisp pen edge, then area-average down.
    s2 = 2 * s
    big = ndimage.zoom(crop, (s2, s2 * width_scale), order=3)
    big = ndimage.gaussian_filter(big, sigma=max(0.5, s2 * 0.35))
    mask = big > 0.42
    if pen is not None:
        kind, amount = pen
        if kind == "thin":
            sk = thin(mask)
            r = max(0.5, amount)  # pen radius in 2x pixels
            mask = ndimage.distance_transform_edt(~sk) <= r
        else:  # thick
            width = 2 * np.median(ndimage.distance_transform_edt(mask)[thin(mask)])
            mask = ndimage.distance_transform_edt(~mask) <= amount * width
    alpha = mask.astype(float)
    h2, w2 = alpha.shape
    alpha = alpha[:h2 - h2 % 2, :w2 - w2 % 2].reshape(h2 // 2, 2, w2 // 2, 2).mean(axis=(1, 3))
    return alpha


# ---------------------------------------------------------------- backgrounds

def lowfreq(shape, rng, scale, amp):
    """Smooth random field: texture of paper, uneven light."""
    small = rng.normal(0, 1, (max(2, shape[0] // scale + 2), max(2, shape[1] // scale + 2)))
    f = ndimage.zoom(small, (shape[0] / small.shape[0] * 1.0001, shape[1] / small.shape[1] * 1.0001), order=3)
    f = f[:shape[0], :shape[1]]
    return f / (np.abs(f).max() + 1e-9) * amp


def paper(shape, rng, colour=None, gradient=0.08, noise=2.0):
    h, w = shape
    if colour is None:
        colour = rng.choice([[250, 250, 248], [242, 240, 232], [235, 235, 235], [250, 246, 230], [225, 228, 232]])
    colour = np.array(colour, float)
    yy, xx = np.mgrid[0:h, 0:w]
    a, b = rng.uniform(-1, 1, 2)
    light = 1 + gradient * (a * (xx / w - 0.5) + b * (yy / h - 0.5)) + lowfreq(shape, rng, max(8, min(h, w) // 4), 0.03)
    img = colour[None, None, :] * light[..., None]
    img += rng.normal(0, noise, img.shape)
    return img


def compose(background, alpha, ink, x, y, strength=1.0):
    """Ink of colour `ink` with coverage `alpha` at (x, y) over the background (in place)."""
    h, w = alpha.shape
    H, W = background.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x][..., None] * strength
    region = background[y0:y1, x0:x1]
    background[y0:y1, x0:x1] = region * (1 - a) + np.array(ink, float)[None, None, :] * a


def dark_ink(rng):
    return [rng.uniform(10, 60)] * 3 if rng.random() < 0.6 else rng.choice(
        [[20, 30, 110], [15, 25, 60], [40, 40, 50], [70, 70, 75]])


def to_uint8(img):
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- photo effects

def perspective(img, rng, amount):
    """A random keystone: each corner moves by up to `amount` of the size."""
    h, w = img.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
    dst = src + rng.uniform(-amount, amount, (4, 2)) * [w, h]
    # Solve the homography mapping output (dst) to input (src) coordinates.
    A = []
    for (x, y), (u, v) in zip(dst, src):
        A.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        A.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, _, vt = np.linalg.svd(np.array(A))
    H = vt[-1].reshape(3, 3)
    yy, xx = np.mgrid[0:h, 0:w].astype(float)
    d = H[2, 0] * xx + H[2, 1] * yy + H[2, 2]
    sx = (H[0, 0] * xx + H[0, 1] * yy + H[0, 2]) / d
    sy = (H[1, 0] * xx + H[1, 1] * yy + H[1, 2]) / d
    edge = img[np.clip(int(h * 0.5), 0, h - 1), 0]
    out = np.stack([ndimage.map_coordinates(img[..., c], [sy, sx], order=1, mode="nearest") for c in range(img.shape[2])], -1)
    return out


def encode_png(img):
    b = io.BytesIO()
    Image.fromarray(to_uint8(img)).save(b, format="PNG")
    return b.getvalue()


def encode_jpeg(img, quality, orientation=1):
    """JPEG bytes; with orientation != 1 the pixels are stored turned and an EXIF tag
    says how to turn them back (as a phone does)."""
    pil = Image.fromarray(to_uint8(img))
    # Store the picture so that applying `orientation` shows it upright.
    inverse = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270,
               2: Image.Transpose.FLIP_LEFT_RIGHT, 4: Image.Transpose.FLIP_TOP_BOTTOM}
    kwargs = {}
    if orientation != 1:
        pil = pil.transpose(inverse[orientation])
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    b = io.BytesIO()
    pil.save(b, format="JPEG", quality=int(quality), **kwargs)
    return b.getvalue()
