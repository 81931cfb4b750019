// Direct convolution for one input channel and stride 1 — a network's first layer on
// greyscale digits. Its im2col matrix has only K·K rows (25 for 5x5), so a matrix
// product spends as long copying columns as multiplying; here each 8-pixel stretch of
// an output row is computed in registers for up to 12 filters at once, reading the
// (zero-padded) image directly.
//
// Written once with the compiler's vector extensions and compiled twice: for AVX2+FMA
// (chosen at run time) and for the baseline target (SSE2 on x86-64, NEON on arm64).
#include "dl_kernels.h"
#include "small_copy.h"
#include <stdlib.h>
#include <string.h>

typedef float v8 __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));

/// The same vector at any float alignment: loads and stores through it are unaligned.
typedef float v8u __attribute__((vector_size(32), aligned(4)));
#define load8(p) (*(const v8u *)(p))
#define store8(p, v) (*(v8u *)(p) = (v))

/// One padded image (stride wp): y[f][oy][ox] for a group of G filters whose weights
/// are packed tap-major (wg[tap][G], zeros past the real filters), biases bg[G], and
/// taps read at offsets[tap] from a pixel; `nf` filters are stored.
#define DEFINE_FORWARD(G, NAME, ATTRIBUTE)                                                    \
    ATTRIBUTE static void NAME(const float *restrict padded, long wp, const long *restrict offsets, \
                               long taps, long oh, long ow, const float *restrict wg,           \
                               const float *restrict bg, long nf, int relu, float *restrict y) { \
        for (long oy = 0; oy < oh; oy++) {                                                     \
            for (long ox = 0; ox < ow; ox += 8) {                                              \
                v8 acc[G];                                                                     \
                for (long f = 0; f < G; f++) acc[f] = (v8){0} + bg[f];                         \
                const float *base = padded + oy * wp + ox;                                     \
                for (long t = 0; t < taps; t++) {                                              \
                    v8 xv = load8(base + offsets[t]);                                          \
                    const float *wt = wg + t * G;                                              \
                    for (long f = 0; f < G; f++) acc[f] += xv * wt[f];                         \
                }                                                                              \
                long n = ow - ox < 8 ? ow - ox : 8;                                            \
                for (long f = 0; f < nf; f++) {                                                \
                    v8 v = acc[f];                                                             \
                    if (relu) v = (v8)((v8i)v & ~(v < 0)); /* negative -> +0; NaN stays */   \
                    float *out = y + (f * oh + oy) * ow + ox;                                  \
                    if (n == 8) { store8(out, v); continue; }                                  \
                    for (long i = 0; i < n; i++) out[i] = v[i];                                \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }

/// acc over one image for one filter and G taps (offsets into the padded image): the
/// taps' Σ dy[oy][ox] · x[oy+ky][ox+kx]; dy rows padded with zeros (stride dyw).
#define DEFINE_WEIGHT_GRAD(G, NAME, ATTRIBUTE)                                                \
    ATTRIBUTE static void NAME(const float *restrict padded, long wp, const long *restrict offsets, \
                               long nt, long oh, long ow, const float *restrict g, long dyw,  \
                               float *restrict dw) {                                           \
        v8 acc[G];                                                                             \
        for (long t = 0; t < G; t++) acc[t] = (v8){0};                                         \
        for (long oy = 0; oy < oh; oy++) {                                                     \
            for (long ox = 0; ox < ow; ox += 8) {                                              \
                v8 gv = load8(g + oy * dyw + ox);                                              \
                const float *base = padded + oy * wp + ox;                                     \
                for (long t = 0; t < G; t++) acc[t] += gv * load8(base + offsets[t]);          \
            }                                                                                  \
        }                                                                                      \
        for (long t = 0; t < nt; t++) {                                                        \
            v8 a = acc[t];                                                                     \
            dw[t] += ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));       \
        }                                                                                      \
    }

DEFINE_FORWARD(4, forward4_portable, )
DEFINE_FORWARD(8, forward8_portable, )
DEFINE_FORWARD(12, forward12_portable, )
DEFINE_WEIGHT_GRAD(4, grad4_portable, )
DEFINE_WEIGHT_GRAD(8, grad8_portable, )
DEFINE_WEIGHT_GRAD(12, grad12_portable, )
#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2,fma")))
DEFINE_FORWARD(4, forward4_avx2, AVX2)
DEFINE_FORWARD(8, forward8_avx2, AVX2)
DEFINE_FORWARD(12, forward12_avx2, AVX2)
DEFINE_WEIGHT_GRAD(4, grad4_avx2, AVX2)
DEFINE_WEIGHT_GRAD(8, grad8_avx2, AVX2)
DEFINE_WEIGHT_GRAD(12, grad12_avx2, AVX2)
#endif

typedef void (*forward_fn)(const float *, long, const long *, long, long, long, const float *, const float *, long, int, float *);
typedef void (*grad_fn)(const float *, long, const long *, long, long, long, const float *, long, float *);

/// The smallest group (4, 8 or 12) that holds n.
static long group_for(long n) { return n <= 4 ? 4 : n <= 8 ? 8 : 12; }

static forward_fn forward_kernel(long group) {
    int fast = dl_cpu_has_avx2_fma();
    (void)fast;
#if defined(__x86_64__)
    if (fast) return group == 4 ? forward4_avx2 : group == 8 ? forward8_avx2 : forward12_avx2;
#endif
    return group == 4 ? forward4_portable : group == 8 ? forward8_portable : forward12_portable;
}

static grad_fn grad_kernel(long group) {
    int fast = dl_cpu_has_avx2_fma();
    (void)fast;
#if defined(__x86_64__)
    if (fast) return group == 4 ? grad4_avx2 : group == 8 ? grad8_avx2 : grad12_avx2;
#endif
    return group == 4 ? grad4_portable : group == 8 ? grad8_portable : grad12_portable;
}

/// A zero-bordered copy of an h x w image with `pad` on every side and rows wide enough
/// for whole 8-pixel stretches (plus the kernel) to be read without bounds checks.
static _Thread_local float *pad_buffer;
static _Thread_local long pad_capacity;

static float *padded_copy(const float *x, long h, long w, long pad, long hp, long wp) {
    if (hp * wp > pad_capacity) {
        free(pad_buffer);
        pad_buffer = malloc(hp * wp * sizeof(float));
        pad_capacity = pad_buffer ? hp * wp : 0;
        if (!pad_buffer) return NULL;
    }
    memset(pad_buffer, 0, hp * wp * sizeof(float));
    for (long r = 0; r < h; r++) dl_copy(pad_buffer + (r + pad) * wp + pad, x + r * w, w);
    return pad_buffer;
}

static long round8(long x) { return (x + 7) / 8 * 8; }

int dl_conv_direct_applies(long channels, long kernel, long stride) {
    return channels == 1 && stride == 1 && kernel <= 11;
}

/// Padded image sizes: rows wide enough for every 8-pixel stretch plus the kernel.
static void padded_size(long h, long w, long kernel, long pad, long oh, long ow, long *hp, long *wp) {
    *hp = oh + kernel - 1;
    *wp = round8(ow) + kernel - 1;
    if (*hp < h + 2 * pad) *hp = h + 2 * pad;
    if (*wp < w + 2 * pad) *wp = w + 2 * pad;
}

void dl_conv_direct_forward(const float *x, long images, long h, long w, long kernel, long pad,
                            long oh, long ow, const float *weight, long filters, const float *bias,
                            int relu, float *y) {
    long hp, wp, taps = kernel * kernel;
    padded_size(h, w, kernel, pad, oh, ow, &hp, &wp);
    long offsets[121];
    for (long t = 0; t < taps; t++) offsets[t] = (t / kernel) * wp + t % kernel;
    float wg[121 * 12], bg[12];
    for (long img = 0; img < images; img++) {
        const float *padded = padded_copy(x + img * h * w, h, w, pad, hp, wp);
        if (!padded) return;
        for (long f0 = 0; f0 < filters; f0 += 12) {
            long nf = filters - f0 < 12 ? filters - f0 : 12, group = group_for(nf);
            for (long t = 0; t < taps; t++)
                for (long f = 0; f < group; f++) wg[t * group + f] = f < nf ? weight[(f0 + f) * taps + t] : 0;
            for (long f = 0; f < group; f++) bg[f] = f < nf ? bias[f0 + f] : 0;
            forward_kernel(group)(padded, wp, offsets, taps, oh, ow, wg, bg, nf, relu,
                                  y + (img * filters + f0) * oh * ow);
        }
    }
}

static _Thread_local float *dy_buffer;
static _Thread_local long dy_capacity;

void dl_conv_direct_weight_grad(const float *x, const float *dy, long images, long h, long w, long kernel,
                                long pad, long oh, long ow, long filters, float *dw) {
    long hp, wp, taps = kernel * kernel;
    padded_size(h, w, kernel, pad, oh, ow, &hp, &wp);
    long dyw = round8(ow);
    if (filters * oh * dyw > dy_capacity) {
        free(dy_buffer);
        dy_buffer = malloc(filters * oh * dyw * sizeof(float));
        dy_capacity = dy_buffer ? filters * oh * dyw : 0;
        if (!dy_buffer) return;
    }
    long offsets[12];
    for (long img = 0; img < images; img++) {
        const float *padded = padded_copy(x + img * h * w, h, w, pad, hp, wp);
        if (!padded) return;
        // ∂Y's rows padded with zeros to whole stretches.
        const float *g = dy + img * filters * oh * ow;
        for (long r = 0; r < filters * oh; r++) {
            dl_copy(dy_buffer + r * dyw, g + r * ow, ow);
            dl_zero(dy_buffer + r * dyw + ow, dyw - ow);
        }
        for (long f = 0; f < filters; f++) {
            for (long t0 = 0; t0 < taps; t0 += 12) {
                long nt = taps - t0 < 12 ? taps - t0 : 12, group = group_for(nt);
                for (long t = 0; t < 12; t++) {
                    long tap = t0 + (t < nt ? t : 0); // padding taps read a real place; never stored
                    offsets[t] = (tap / kernel) * wp + tap % kernel;
                }
                grad_kernel(group)(padded, wp, offsets, nt, oh, ow, dy_buffer + f * oh * dyw, dyw,
                                   dw + f * taps + t0);
            }
        }
    }
}
