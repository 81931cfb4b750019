// A dense layer whose input is mostly one value (a digit's blank paper: four pixels in
// five): y = x·Wᵀ + b = (x − c)·Wᵀ + (b + c·ΣW), and x − c is zero almost everywhere.
// Only the other values are multiplied — a fifth of the work for MNIST — with the same
// result up to rounding. ∂W = ∂Yᵀ·x likewise: ∂Yᵀ·(x − c) + c·(column sums of ∂Y).
//
// Written once with the compiler's vector extensions and compiled twice: for AVX2+FMA
// (chosen at run time) and for the baseline target.
#include "dl_kernels.h"
#include <string.h>

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));
#define load8(p) (*(const v8u *)(p))
#define store8(p, v) (*(v8u *)(p) = (v))
typedef int v8i __attribute__((vector_size(32)));

long dl_count_different(const float *x, long n, float c) {
    long count = 0;
    for (long i = 0; i < n; i++) count += x[i] != c;
    return count;
}

void dl_sparse_rows(const float *x, long rows, long cols, float c, long *starts, int *indices, float *values) {
    long k = 0;
    for (long r = 0; r < rows; r++) {
        starts[r] = k;
        const float *row = x + r * cols;
        for (long i = 0; i < cols; i++)
            if (row[i] != c) { indices[k] = (int)i; values[k] = row[i] - c; k++; }
    }
    starts[rows] = k;
}

void dl_sparse_columns(const float *x, long rows, long cols, float c, long *starts, int *indices, float *values) {
    // Count per column, then place row by row: each column's entries come in row order,
    // and x is read along its rows (a column-wise pass would stride through memory).
    for (long i = 0; i <= cols; i++) starts[i] = 0;
    for (long r = 0; r < rows; r++)
        for (long i = 0; i < cols; i++) starts[i + 1] += x[r * cols + i] != c;
    for (long i = 0; i < cols; i++) starts[i + 1] += starts[i];
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * cols;
        for (long i = 0; i < cols; i++)
            if (row[i] != c) {
                long k = starts[i]++;
                indices[k] = (int)r;
                values[k] = row[i] - c;
            }
    }
    for (long i = cols; i > 0; i--) starts[i] = starts[i - 1]; // each start moved to the next column's
    starts[0] = 0;
}

/// out[j] = base[j] + Σ_k values[k] · m[indices[k]][j] for j in [j0, j0 + 64) ∩ [0, width),
/// 64 at a time in registers; the sum runs over k in order.
#define COMBINE_BODY                                                                          \
    long j = j0, end = j0 + 64 < width ? j0 + 64 : width;                                     \
    if (end - j == 64) {                                                                      \
        v8 acc[8];                                                                            \
        for (int q = 0; q < 8; q++) acc[q] = base ? load8(base + j + 8 * q) : (v8){0};        \
        for (long k = k0; k < k1; k++) {                                                      \
            const float *row = m + (long)indices[k] * ldm + j;                                \
            float v = values[k];                                                              \
            for (int q = 0; q < 8; q++) acc[q] += load8(row + 8 * q) * v;                     \
        }                                                                                     \
        for (int q = 0; q < 8; q++) {                                                         \
            v8 a = acc[q];                                                                    \
            if (relu) a = (v8)((v8i)a & ~(a < 0)); /* negative -> +0; NaN stays */            \
            store8(out + j + 8 * q, a);                                                       \
        }                                                                                     \
        return;                                                                               \
    }                                                                                         \
    for (; j + 8 <= end; j += 8) {                                                            \
        v8 acc = base ? load8(base + j) : (v8){0};                                            \
        for (long k = k0; k < k1; k++) acc += load8(m + (long)indices[k] * ldm + j) * values[k]; \
        if (relu) acc = (v8)((v8i)acc & ~(acc < 0));                                          \
        store8(out + j, acc);                                                                 \
    }                                                                                         \
    for (; j < end; j++) {                                                                    \
        float acc = base ? base[j] : 0;                                                       \
        for (long k = k0; k < k1; k++) acc += m[(long)indices[k] * ldm + j] * values[k];       \
        out[j] = relu && acc < 0 ? 0 : acc;                                                   \
    }

static void combine_portable(const int *restrict indices, const float *restrict values, long k0, long k1,
                             const float *restrict m, long ldm, long width, long j0, const float *restrict base,
                             int relu, float *restrict out) {
    COMBINE_BODY
}
#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void combine_avx2(const int *restrict indices, const float *restrict values, long k0, long k1,
                         const float *restrict m, long ldm, long width, long j0, const float *restrict base,
                         int relu, float *restrict out) {
    COMBINE_BODY
}
#endif

void dl_sparse_combine(const long *starts, const int *indices, const float *values, long first, long last,
                       const float *m, long ldm, long width, const float *base, int relu, float *out, long ldout) {
    int fast = dl_cpu_has_avx2_fma();
    (void)fast;
    // Blocks of 64 columns outermost: m's columns for one block stay in L2 for all lines.
    for (long j0 = 0; j0 < width; j0 += 64)
        for (long r = first; r < last; r++) {
#if defined(__x86_64__)
            if (fast) {
                combine_avx2(indices, values, starts[r], starts[r + 1], m, ldm, width, j0, base, relu, out + r * ldout);
                continue;
            }
#endif
            combine_portable(indices, values, starts[r], starts[r + 1], m, ldm, width, j0, base, relu, out + r * ldout);
        }
}

/// 8x8 blocks transposed in registers (a scalar transpose stores one float per cycle).
#define TRANSPOSE_BODY                                                                        \
    long i0 = 0;                                                                              \
    for (; i0 + 8 <= rows; i0 += 8) {                                                         \
        long j0 = 0;                                                                          \
        for (; j0 + 8 <= cols; j0 += 8) {                                                     \
            const float *s = m + i0 * ldm + j0;                                              \
            v8 r0 = load8(s), r1 = load8(s + ldm), r2 = load8(s + 2 * ldm), r3 = load8(s + 3 * ldm); \
            v8 r4 = load8(s + 4 * ldm), r5 = load8(s + 5 * ldm), r6 = load8(s + 6 * ldm), r7 = load8(s + 7 * ldm); \
            v8 t0 = __builtin_shufflevector(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13);               \
            v8 t1 = __builtin_shufflevector(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);             \
            v8 t2 = __builtin_shufflevector(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13);               \
            v8 t3 = __builtin_shufflevector(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);             \
            v8 t4 = __builtin_shufflevector(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13);               \
            v8 t5 = __builtin_shufflevector(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);             \
            v8 t6 = __builtin_shufflevector(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13);               \
            v8 t7 = __builtin_shufflevector(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);             \
            v8 u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);               \
            v8 u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);             \
            v8 u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);               \
            v8 u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);             \
            v8 u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);               \
            v8 u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);             \
            v8 u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);               \
            v8 u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);             \
            float *d = out + j0 * ldo + i0;                                                  \
            store8(d, __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11));             \
            store8(d + ldo, __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11));      \
            store8(d + 2 * ldo, __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11));  \
            store8(d + 3 * ldo, __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11));  \
            store8(d + 4 * ldo, __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15)); \
            store8(d + 5 * ldo, __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15)); \
            store8(d + 6 * ldo, __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15)); \
            store8(d + 7 * ldo, __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15)); \
        }                                                                                     \
        for (; j0 < cols; j0++)                                                               \
            for (long i = i0; i < i0 + 8; i++) out[j0 * ldo + i] = m[i * ldm + j0];          \
    }                                                                                         \
    for (; i0 < rows; i0++)                                                                   \
        for (long j = 0; j < cols; j++) out[j * ldo + i0] = m[i0 * ldm + j];

static void transpose_portable(const float *restrict m, long rows, long cols, long ldm, float *restrict out, long ldo) {
    TRANSPOSE_BODY
}
#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void transpose_avx2(const float *restrict m, long rows, long cols, long ldm, float *restrict out, long ldo) {
    TRANSPOSE_BODY
}
#endif

void dl_transpose(const float *m, long rows, long cols, long ldm, float *out, long ldo) {
#if defined(__x86_64__)
    if (dl_cpu_has_avx2_fma()) { transpose_avx2(m, rows, cols, ldm, out, ldo); return; }
#endif
    transpose_portable(m, rows, cols, ldm, out, ldo);
}
