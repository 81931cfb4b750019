// 3x3 convolution with stride 1 by Winograd's minimal filtering F(2x2, 3x3) (Lavin &
// Gray 2016): each 2x2 block of output comes from a 4x4 block of input with 16
// multiplications per channel pair instead of 36.
//
//     V = Bᵀ d B (input tile),  U = G g Gᵀ (filter),  Y = Aᵀ [Σ_c U ⊙ V] A
//
// The sum over channels is 16 matrix products, one per position ξ of the 4x4 tile:
// M[ξ] (filters x tiles) = U[ξ] (filters x channels) · V[ξ] (channels x tiles). Tiles are
// taken a few tile rows at a time so that V and M stay in L2. 2.25x fewer
// multiply-adds than the direct convolution; the transforms cost little beside them.
// The same routine computes a convolution's ∂x (the transposed convolution with the
// filters flipped), so both the forward pass and ∂x of a 3x3 layer use it.
#include "dl_kernels.h"
#include "small_copy.h"
#include <stdlib.h>
#include <string.h>

typedef int v8i __attribute__((vector_size(32)));

#define TILES_PER_BLOCK 64 /* tiles whose V (16 x C x 64) and M (16 x F x 64) stay in L2 */

/// U[ξ][f][c] = (G g Gᵀ)[ξ] for filters g = w[f][c] (3x3); with `flip`, g = w[c][f]
/// rotated by 180° (the transposed convolution: filters become channels).
static void transform_filters(const float *w, long filters, long channels, int flip, float *u) {
    long fc = filters * channels;
    for (long f = 0; f < filters; f++)
        for (long c = 0; c < channels; c++) {
            float g[3][3];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    g[i][j] = flip ? w[((c * filters + f) * 3 + 2 - i) * 3 + 2 - j] : w[((f * channels + c) * 3 + i) * 3 + j];
            float t[4][3]; // G g
            for (int j = 0; j < 3; j++) {
                t[0][j] = g[0][j];
                t[1][j] = 0.5f * (g[0][j] + g[1][j] + g[2][j]);
                t[2][j] = 0.5f * (g[0][j] - g[1][j] + g[2][j]);
                t[3][j] = g[2][j];
            }
            for (int i = 0; i < 4; i++) { // (G g) Gᵀ
                float r[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
                for (int j = 0; j < 4; j++) u[(i * 4 + j) * fc + f * channels + c] = r[j];
            }
        }
}

/// V[ξ][c][t] = (Bᵀ d B)[ξ] for the tiles of tile rows ty0..<ty1 (t counted from ty0's
/// first tile), d read from the padded planes (stride wp, plane size hp*wp).
#define INPUT_TRANSFORM_BODY                                                                  \
    long nt = (ty1 - ty0) * tw;                                                               \
    for (long c = 0; c < channels; c++) {                                                     \
        const float *plane = padded + c * hp * wp;                                            \
        for (long ty = ty0; ty < ty1; ty++) {                                                 \
            const float *r0 = plane + 2 * ty * wp, *r1 = r0 + wp, *r2 = r1 + wp, *r3 = r2 + wp; \
            float *out = v + c * nt + (ty - ty0) * tw;                                        \
            for (long tx = 0; tx < tw; tx++) {                                                \
                float d[4][4], t[4][4];                                                       \
                for (int j = 0; j < 4; j++) {                                                 \
                    d[0][j] = r0[2 * tx + j]; d[1][j] = r1[2 * tx + j];                        \
                    d[2][j] = r2[2 * tx + j]; d[3][j] = r3[2 * tx + j];                        \
                }                                                                             \
                for (int j = 0; j < 4; j++) {                                                 \
                    t[0][j] = d[0][j] - d[2][j]; t[1][j] = d[1][j] + d[2][j];                  \
                    t[2][j] = d[2][j] - d[1][j]; t[3][j] = d[1][j] - d[3][j];                  \
                }                                                                             \
                for (int i = 0; i < 4; i++) {                                                 \
                    out[(i * 4 + 0) * stride + tx] = t[i][0] - t[i][2];                        \
                    out[(i * 4 + 1) * stride + tx] = t[i][1] + t[i][2];                        \
                    out[(i * 4 + 2) * stride + tx] = t[i][2] - t[i][1];                        \
                    out[(i * 4 + 3) * stride + tx] = t[i][1] - t[i][3];                        \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
    }

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));
#define load8(p) (*(const v8u *)(p))
#define store8(p, v) (*(v8u *)(p) = (v))

/// One 2x2 output block per lane: Aᵀ q A for q = the 16 values of M at one tile, plus the
/// bias, then ReLU (negative to +0, NaN kept).
#define OUTPUT_LANES(T, q, b, relu, o00, o01, o10, o11)                                      \
    T s0[4], s1[4];                                                                           \
    for (int j = 0; j < 4; j++) {                                                             \
        s0[j] = q[j] + q[4 + j] + q[8 + j];                                                   \
        s1[j] = q[4 + j] - q[8 + j] - q[12 + j];                                              \
    }                                                                                         \
    o00 = s0[0] + s0[1] + s0[2] + b; o01 = s0[1] - s0[2] - s0[3] + b;                          \
    o10 = s1[0] + s1[1] + s1[2] + b; o11 = s1[1] - s1[2] - s1[3] + b;

/// y[f][2ty+i][2tx+j] = (Aᵀ M A)[i][j] + bias[f] (ReLU) for the tiles of tile rows
/// ty0..<ty1, M[ξ][f][t] (stride per ξ: mstride), outputs past oh x ow dropped. Eight
/// tiles at a time while both columns of all eight exist, then one at a time.
#define OUTPUT_TRANSFORM_BODY                                                                 \
    long nt = (ty1 - ty0) * tw;                                                               \
    for (long f = 0; f < filters; f++) {                                                      \
        const float *mf = m + f * nt;                                                         \
        float b = bias ? bias[f] : 0;                                                         \
        for (long ty = ty0; ty < ty1; ty++) {                                                 \
            const float *mt = mf + (ty - ty0) * tw;                                           \
            float *y0 = y + (f * oh + 2 * ty) * ow, *y1 = y0 + ow;                            \
            int second_row = 2 * ty + 1 < oh;                                                 \
            long full = ow / 2; /* tiles whose two columns both exist */                      \
            long tx = 0;                                                                      \
            for (; tx + 8 <= full; tx += 8) {                                                 \
                v8 q[16], o00, o01, o10, o11;                                                 \
                for (int x = 0; x < 16; x++) q[x] = load8(mt + x * mstride + tx);             \
                OUTPUT_LANES(v8, q, b, relu, o00, o01, o10, o11)                              \
                v8 r[4] = {o00, o01, o10, o11};                                               \
                if (relu)                                                                     \
                    for (int i = 0; i < 4; i++) r[i] = (v8)((v8i)r[i] & ~(r[i] < 0));          \
                store8(y0 + 2 * tx, __builtin_shufflevector(r[0], r[1], 0, 8, 1, 9, 2, 10, 3, 11)); \
                store8(y0 + 2 * tx + 8, __builtin_shufflevector(r[0], r[1], 4, 12, 5, 13, 6, 14, 7, 15)); \
                if (second_row) {                                                             \
                    store8(y1 + 2 * tx, __builtin_shufflevector(r[2], r[3], 0, 8, 1, 9, 2, 10, 3, 11)); \
                    store8(y1 + 2 * tx + 8, __builtin_shufflevector(r[2], r[3], 4, 12, 5, 13, 6, 14, 7, 15)); \
                }                                                                             \
            }                                                                                 \
            for (; tx < tw; tx++) {                                                           \
                float q[16], o00, o01, o10, o11;                                              \
                for (int x = 0; x < 16; x++) q[x] = mt[x * mstride + tx];                     \
                OUTPUT_LANES(float, q, b, relu, o00, o01, o10, o11)                           \
                if (relu) {                                                                   \
                    o00 = o00 < 0 ? 0 : o00; o01 = o01 < 0 ? 0 : o01;                          \
                    o10 = o10 < 0 ? 0 : o10; o11 = o11 < 0 ? 0 : o11;                          \
                }                                                                             \
                y0[2 * tx] = o00;                                                             \
                if (tx < full) y0[2 * tx + 1] = o01;                                          \
                if (second_row) {                                                             \
                    y1[2 * tx] = o10;                                                         \
                    if (tx < full) y1[2 * tx + 1] = o11;                                      \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
    }

static void input_transform_portable(const float *restrict padded, long channels, long hp, long wp, long tw,
                                     long ty0, long ty1, long stride, float *restrict v) {
    INPUT_TRANSFORM_BODY
}
static void output_transform_portable(const float *restrict m, long mstride, long filters, long tw, long ty0,
                                      long ty1, long oh, long ow, const float *restrict bias, int relu,
                                      float *restrict y) {
    OUTPUT_TRANSFORM_BODY
}
#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void input_transform_avx2(const float *restrict padded, long channels, long hp, long wp, long tw,
                                 long ty0, long ty1, long stride, float *restrict v) {
    INPUT_TRANSFORM_BODY
}
__attribute__((target("avx2,fma")))
static void output_transform_avx2(const float *restrict m, long mstride, long filters, long tw, long ty0,
                                  long ty1, long oh, long ow, const float *restrict bias, int relu,
                                  float *restrict y) {
    OUTPUT_TRANSFORM_BODY
}
#endif

static _Thread_local float *scratch;
static _Thread_local long scratch_capacity;

int dl_winograd_applies(long kernel, long stride) { return kernel == 3 && stride == 1; }

void dl_winograd_conv3x3(const float *x, long images, long channels, long h, long w, long pad,
                         const float *weight, long filters, int flip, const float *bias, int relu,
                         float *y) {
    long oh = h + 2 * pad - 2, ow = w + 2 * pad - 2;
    if (oh <= 0 || ow <= 0) return;
    long th = (oh + 1) / 2, tw = (ow + 1) / 2;
    long hp = 2 * th + 2, wp = 2 * tw + 2; // whole tiles, zeros past the padded image
    long rows = TILES_PER_BLOCK / tw;      // tile rows per block
    if (rows < 1) rows = 1;
    long block = rows * tw;
    long u_size = 16 * filters * channels, v_size = 16 * channels * block, m_size = 16 * filters * block;
    long p_size = channels * hp * wp;
    long need = u_size + v_size + m_size + p_size;
    if (need > scratch_capacity) {
        free(scratch);
        scratch = malloc(need * sizeof(float));
        scratch_capacity = scratch ? need : 0;
        if (!scratch) return;
    }
    float *u = scratch, *v = u + u_size, *m = v + v_size, *padded = m + m_size;
    transform_filters(weight, filters, channels, flip, u);
    int fast = dl_cpu_has_avx2_fma();
    for (long img = 0; img < images; img++) {
        const float *image = x + img * channels * h * w;
        memset(padded, 0, p_size * sizeof(float));
        for (long c = 0; c < channels; c++)
            for (long r = 0; r < h; r++)
                dl_copy(padded + (c * hp + r + pad) * wp + pad, image + (c * h + r) * w, w);
        float *out = y + img * filters * oh * ow;
        for (long ty0 = 0; ty0 < th; ty0 += rows) {
            long ty1 = ty0 + rows < th ? ty0 + rows : th, nt = (ty1 - ty0) * tw;
            long vstride = channels * nt, mstride = filters * nt;
#if defined(__x86_64__)
            if (fast) input_transform_avx2(padded, channels, hp, wp, tw, ty0, ty1, vstride, v);
            else
#endif
                input_transform_portable(padded, channels, hp, wp, tw, ty0, ty1, vstride, v);
            for (long xi = 0; xi < 16; xi++) {
                dl_gemm_args g = {0, 0, filters, nt, channels, u + xi * filters * channels, channels,
                                  v + xi * vstride, nt, m + xi * mstride, nt, 0, NULL, NULL, 0};
                dl_gemm(&g);
            }
#if defined(__x86_64__)
            if (fast) output_transform_avx2(m, mstride, filters, tw, ty0, ty1, oh, ow, bias, relu, out);
            else
#endif
                output_transform_portable(m, mstride, filters, tw, ty0, ty1, oh, ow, bias, relu, out);
        }
    }
    (void)fast;
}
