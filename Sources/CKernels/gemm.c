// DigitLab's matrix product: C = op(A)·op(B) (+ C) (+ bias) (ReLU), row-major floats.
//
// The Goto/BLIS structure, simplified for the shapes of small networks: B is packed
// into panels of NR columns ([k][NR], zero-padded), A is read where it lies (with a row
// and a column stride, so op(A) = A or Aᵀ costs nothing), and a register-blocked
// micro-kernel computes MR x NR tiles of C. B can be packed once and shared by every
// chunk of a parallel product ("weights packed once per step").
//
// Two micro-kernels: AVX2+FMA, chosen at run time with cpuid, and a portable one that
// the compiler vectorises for the baseline target (SSE2 on x86-64, NEON on arm64).
//
// Every element of C is summed in the same order however M and N are split: K is cut
// into the same blocks for every tile, each block is summed in k order in a register,
// then added to what C held. Edge tiles go through the same kernel into a scratch tile.
// So a product split over any number of threads gives the same bits.
#include "dl_kernels.h"
#include "small_copy.h"
#include <stdlib.h>
#include <string.h>

#define MR 6
#define NR 16
#define KC_MAX 320 /* a B panel (KC x NR, 20 KB) and an A sliver stay in L1 */

typedef struct {
    const float *row_bias; /* MR values, one per row of the tile, or NULL */
    const float *col_bias; /* NR values, one per column of the tile, or NULL */
    int relu;
} tile_epilogue;

/// op(A)(r, k) = a[r*rs + k*cs] for the tile's MR rows; b is a packed panel.
typedef void (*micro_kernel)(long kc, const float *a, long rs, long cs, const float *b,
                             float *c, long ldc, int load_c, const tile_epilogue *e);

// ---------------------------------------------------------------------------------------
// Portable micro-kernel: plain loops the compiler keeps in vector registers where it can.
static void micro_portable(long kc, const float *restrict a, long rs, long cs,
                           const float *restrict b, float *restrict c, long ldc, int load_c,
                           const tile_epilogue *e) {
    float acc[MR][NR];
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < NR; j++) acc[r][j] = 0;
    for (long k = 0; k < kc; k++) {
        for (int r = 0; r < MR; r++) {
            float av = a[r * rs + k * cs];
            for (int j = 0; j < NR; j++) acc[r][j] += av * b[j];
        }
        b += NR;
    }
    for (int r = 0; r < MR; r++) {
        float *row = c + r * ldc;
        for (int j = 0; j < NR; j++) {
            float v = acc[r][j];
            if (load_c) v += row[j];
            if (e) {
                if (e->row_bias) v += e->row_bias[r];
                if (e->col_bias) v += e->col_bias[j];
                if (e->relu) v = v < 0 ? 0 : v; /* NaN stays NaN */
            }
            row[j] = v;
        }
    }
}

// ---------------------------------------------------------------------------------------
// AVX2 + FMA micro-kernel: 12 accumulators (6 rows x 2 vectors of 8), one broadcast of
// A and two loads of B per k.
#if defined(__x86_64__)
#include <immintrin.h>

#define DL_AVX2 __attribute__((target("avx2,fma")))

DL_AVX2 static void micro_avx2(long kc, const float *restrict a, long rs, long cs,
                               const float *restrict b, float *restrict c, long ldc, int load_c,
                               const tile_epilogue *e) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    const float *a0 = a, *a1 = a + rs, *a2 = a + 2 * rs, *a3 = a + 3 * rs, *a4 = a + 4 * rs,
                *a5 = a + 5 * rs;
    for (long k = 0; k < kc; k++) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 av;
        av = _mm256_broadcast_ss(a0); c00 = _mm256_fmadd_ps(av, b0, c00); c01 = _mm256_fmadd_ps(av, b1, c01);
        av = _mm256_broadcast_ss(a1); c10 = _mm256_fmadd_ps(av, b0, c10); c11 = _mm256_fmadd_ps(av, b1, c11);
        av = _mm256_broadcast_ss(a2); c20 = _mm256_fmadd_ps(av, b0, c20); c21 = _mm256_fmadd_ps(av, b1, c21);
        av = _mm256_broadcast_ss(a3); c30 = _mm256_fmadd_ps(av, b0, c30); c31 = _mm256_fmadd_ps(av, b1, c31);
        av = _mm256_broadcast_ss(a4); c40 = _mm256_fmadd_ps(av, b0, c40); c41 = _mm256_fmadd_ps(av, b1, c41);
        av = _mm256_broadcast_ss(a5); c50 = _mm256_fmadd_ps(av, b0, c50); c51 = _mm256_fmadd_ps(av, b1, c51);
        a0 += cs; a1 += cs; a2 += cs; a3 += cs; a4 += cs; a5 += cs;
        b += NR;
    }
    __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    __m256 zero = _mm256_setzero_ps();
    for (int r = 0; r < MR; r++) {
        float *row = c + r * ldc;
        __m256 v0 = acc[r][0], v1 = acc[r][1];
        if (load_c) {
            v0 = _mm256_add_ps(v0, _mm256_loadu_ps(row));
            v1 = _mm256_add_ps(v1, _mm256_loadu_ps(row + 8));
        }
        if (e) {
            if (e->row_bias) {
                __m256 rb = _mm256_broadcast_ss(e->row_bias + r);
                v0 = _mm256_add_ps(v0, rb);
                v1 = _mm256_add_ps(v1, rb);
            }
            if (e->col_bias) {
                v0 = _mm256_add_ps(v0, _mm256_loadu_ps(e->col_bias));
                v1 = _mm256_add_ps(v1, _mm256_loadu_ps(e->col_bias + 8));
            }
            if (e->relu) {
                // max(0, v) returns v when v is NaN: a NaN must reach the loss.
                v0 = _mm256_max_ps(zero, v0);
                v1 = _mm256_max_ps(zero, v1);
            }
        }
        _mm256_storeu_ps(row, v0);
        _mm256_storeu_ps(row + 8, v1);
    }
}
#endif

int dl_cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    static int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return known;
#else
    return 0;
#endif
}

static _Thread_local int forced_portable = 0; // per thread: a test must not change other threads' numbers
void dl_force_portable(int on) { forced_portable = on; }

static micro_kernel chosen_kernel(void) {
#if defined(__x86_64__)
    if (!forced_portable && dl_cpu_has_avx2_fma()) return micro_avx2;
#endif
    return micro_portable;
}

const char *dl_kernel_name(void) {
    return chosen_kernel() == micro_portable ? "portable" : "avx2+fma";
}

// ---------------------------------------------------------------------------------------
// Packing B: panels of NR columns, each k-major ([k][NR]); columns past N are 0.

/// K cut into equal blocks of at most KC_MAX: the same cut for every tile of C.
long dl_gemm_k_block(long k) {
    long blocks = (k + KC_MAX - 1) / KC_MAX;
    if (blocks < 1) blocks = 1;
    return (k + blocks - 1) / blocks;
}

static long round_up(long x, long m) { return (x + m - 1) / m * m; }

#if defined(__x86_64__)
/// dst[k][j] = src[j][k] for 16 rows j of kc values: 8x8 blocks transposed in registers
/// (a scalar transpose stores one float per cycle and cost a quarter of a dense layer).
DL_AVX2 static void transpose_panel_avx2(const float *src, long lds, long kc, float *restrict dst) {
    long k = 0;
    for (; k + 8 <= kc; k += 8) {
        for (int half = 0; half < 2; half++) {
            const float *s = src + half * 8 * lds + k;
            __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + lds);
            __m256 r2 = _mm256_loadu_ps(s + 2 * lds), r3 = _mm256_loadu_ps(s + 3 * lds);
            __m256 r4 = _mm256_loadu_ps(s + 4 * lds), r5 = _mm256_loadu_ps(s + 5 * lds);
            __m256 r6 = _mm256_loadu_ps(s + 6 * lds), r7 = _mm256_loadu_ps(s + 7 * lds);
            __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
            __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
            __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
            __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            float *d = dst + k * NR + half * 8;
            _mm256_storeu_ps(d + 0 * NR, _mm256_permute2f128_ps(u0, u4, 0x20));
            _mm256_storeu_ps(d + 1 * NR, _mm256_permute2f128_ps(u1, u5, 0x20));
            _mm256_storeu_ps(d + 2 * NR, _mm256_permute2f128_ps(u2, u6, 0x20));
            _mm256_storeu_ps(d + 3 * NR, _mm256_permute2f128_ps(u3, u7, 0x20));
            _mm256_storeu_ps(d + 4 * NR, _mm256_permute2f128_ps(u0, u4, 0x31));
            _mm256_storeu_ps(d + 5 * NR, _mm256_permute2f128_ps(u1, u5, 0x31));
            _mm256_storeu_ps(d + 6 * NR, _mm256_permute2f128_ps(u2, u6, 0x31));
            _mm256_storeu_ps(d + 7 * NR, _mm256_permute2f128_ps(u3, u7, 0x31));
        }
    }
    for (; k < kc; k++)
        for (int j = 0; j < NR; j++) dst[k * NR + j] = src[j * lds + k];
}
#endif

/// Packs rows k0..<k0+kc and columns j0..<j0+nc of op(B) into consecutive panels.
static void pack_b_block(int trans, const float *B, long ldb, long k0, long kc, long j0, long nc,
                         float *restrict dst) {
    for (long jr = 0; jr < nc; jr += NR) {
        long cols = nc - jr < NR ? nc - jr : NR;
        if (!trans) {
            // op(B)(k, j) = B[k][j]: NR contiguous values per k.
            for (long k = 0; k < kc; k++) {
                const float *src = B + (k0 + k) * ldb + j0 + jr;
                float *d = dst + k * NR;
                dl_copy(d, src, cols);
                if (cols < NR) dl_zero(d + cols, NR - cols);
            }
        } else {
#if defined(__x86_64__)
            if (cols == NR && dl_cpu_has_avx2_fma() && !forced_portable) {
                transpose_panel_avx2(B + (j0 + jr) * ldb + k0, ldb, kc, dst);
                dst += NR * kc;
                continue;
            }
#endif
            // op(B)(k, j) = B[j][k]: a transpose of NR rows, k in the inner loop so
            // every row is read sequentially.
            for (long j = 0; j < NR; j++) {
                if (j < cols) {
                    const float *src = B + (j0 + jr + j) * ldb + k0;
                    for (long k = 0; k < kc; k++) dst[k * NR + j] = src[k];
                } else {
                    for (long k = 0; k < kc; k++) dst[k * NR + j] = 0;
                }
            }
        }
        dst += NR * kc;
    }
}

long dl_packed_b_size(long k, long n) { return round_up(n, NR) * (k > 0 ? k : 1); }
long dl_gemm_panel_width(void) { return NR; }

/// Where the panel holding column j0 (a multiple of NR) of K-block pc starts.
static const float *packed_panel(const float *packed, long k, long n, long pc, long kc, long j0) {
    return packed + pc * round_up(n, NR) + j0 * kc;
}

void dl_pack_b(int trans_b, const float *b, long ldb, long k, long n, long panel_begin,
               long panel_end, float *packed) {
    long kcb = dl_gemm_k_block(k);
    for (long pc = 0; pc < k; pc += kcb) {
        long kc = k - pc < kcb ? k - pc : kcb;
        for (long p = panel_begin; p < panel_end; p++) {
            long j0 = p * NR;
            if (j0 >= n) break;
            long nc = n - j0 < NR ? n - j0 : NR;
            pack_b_block(trans_b, b, ldb, pc, kc, j0, nc,
                         (float *)packed_panel(packed, k, n, pc, kc, j0));
        }
    }
}

// ---------------------------------------------------------------------------------------
// The macro-kernel. For each K-block, B is taken one panel (KC x NR, at most 20 KB) at a
// time — packed into a buffer that stays in L1, or read where it was packed before — and
// every MR-row sliver of A runs over it. A is read where it lies (from L2: the products
// here have at most a few hundred rows); the last rows, when M is not a multiple of MR,
// are packed once per K-block with zeros below.

/// The tiles of one panel (columns j..j+cols) for rows [0, M).
static void panel_tiles(micro_kernel kernel, long kc, long M, const float *a, long rs, long cs,
                        const float *edge, const float *panel, long j, long cols, float *C, long ldc,
                        int load_c, const tile_epilogue *epi_base, const float *row_bias,
                        const float *col_bias) {
    float tile[MR * NR];
    for (long i = 0; i < M; i += MR) {
        long rows = M - i < MR ? M - i : MR;
        float *cp = C + i * ldc + j;
        tile_epilogue e;
        const tile_epilogue *ep = NULL;
        if (epi_base) {
            e = *epi_base;
            e.row_bias = row_bias ? row_bias + i : NULL;
            e.col_bias = col_bias ? col_bias + j : NULL;
            ep = &e;
        }
        const float *ap = rows < MR ? edge : a + i * rs;
        long ars = rows < MR ? 1 : rs, acs = rows < MR ? MR : cs;
        if (rows == MR && cols == NR) {
            kernel(kc, ap, ars, acs, panel, cp, ldc, load_c, ep);
            continue;
        }
        // Edge tile: the same kernel into scratch, then the same additions in the same
        // order on the part that exists.
        kernel(kc, ap, ars, acs, panel, tile, NR, 0, NULL);
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++) {
                float v = tile[r * NR + c];
                if (load_c) v += cp[r * ldc + c];
                if (ep) {
                    if (ep->row_bias) v += ep->row_bias[r];
                    if (ep->col_bias) v += ep->col_bias[c];
                    if (ep->relu) v = v < 0 ? 0 : v;
                }
                cp[r * ldc + c] = v;
            }
    }
}

/// Where the panels of B come from.
typedef struct {
    const float *packed;               // all of B packed before (dl_pack_b), or NULL
    const dl_gemm_args *args;          // else packed from args->b, one panel at a time,
    const dl_panel_source *source;     // or made by a source (im2col)
} panel_origin;

static const float *panel_for(const panel_origin *o, long K, long N, long pc, long kc, long j, long cols,
                              float *buffer) {
    if (o->packed) return packed_panel(o->packed, K, N, pc, kc, j);
    if (o->source) {
        o->source->fill(o->source->context, pc, kc, j, cols, buffer);
        return buffer;
    }
    pack_b_block(o->args->trans_b, o->args->b, o->args->ldb, pc, kc, j, cols, buffer);
    return buffer;
}

/// Rows per pass over B: A's rows for one K-block stay in L2. Above this, B's panels are
/// packed again for each block of rows.
#define MC 384

static void product(const dl_gemm_args *g, const panel_origin *origin, long jbegin, long jend) {
    long M = g->m, K = g->k;
    micro_kernel kernel = chosen_kernel();
    long kcb = dl_gemm_k_block(K);
    long rs = g->trans_a ? 1 : g->lda, cs = g->trans_a ? g->lda : 1;
    int has_epilogue = g->row_bias || g->col_bias || g->relu;
    tile_epilogue base = {NULL, NULL, g->relu};
    float edge[MR * KC_MAX] __attribute__((aligned(64)));
    float buffer[NR * KC_MAX] __attribute__((aligned(64)));
    for (long ic = 0; ic < M; ic += MC) {
        long mc = M - ic < MC ? M - ic : MC;
        float *c = g->c + ic * g->ldc;
        const float *row_bias = g->row_bias ? g->row_bias + ic : NULL;
        for (long pc = 0; pc < K; pc += kcb) {
            long kc = K - pc < kcb ? K - pc : kcb;
            int load_c = pc > 0 || g->accumulate;
            int last = pc + kc >= K;
            const float *a = g->a + ic * rs + pc * cs;
            long full = mc / MR * MR;
            if (full < mc) {
                for (long k = 0; k < kc; k++)
                    for (long r = 0; r < MR; r++)
                        edge[k * MR + r] = full + r < mc ? a[(full + r) * rs + k * cs] : 0;
            }
            for (long j = jbegin; j < jend; j += NR) {
                long cols = jend - j < NR ? jend - j : NR;
                const float *panel = panel_for(origin, K, g->n, pc, kc, j, cols, buffer);
                panel_tiles(kernel, kc, mc, a, rs, cs, edge, panel, j, cols, c, g->ldc, load_c,
                            last && has_epilogue ? &base : NULL, row_bias, g->col_bias);
            }
        }
    }
}

static void epilogue_only(const dl_gemm_args *g) {
    for (long i = 0; i < g->m; i++)
        for (long j = 0; j < g->n; j++) {
            float v = g->accumulate ? g->c[i * g->ldc + j] : 0;
            if (g->row_bias) v += g->row_bias[i];
            if (g->col_bias) v += g->col_bias[j];
            if (g->relu) v = v < 0 ? 0 : v;
            g->c[i * g->ldc + j] = v;
        }
}

void dl_gemm(const dl_gemm_args *g) {
    if (g->m <= 0 || g->n <= 0) return;
    if (g->k <= 0) { epilogue_only(g); return; }
    panel_origin origin = {NULL, g, NULL};
    product(g, &origin, 0, g->n);
}

void dl_gemm_packed(const dl_gemm_args *g, const float *packed_b, long j_begin, long j_end) {
    if (g->m <= 0 || j_end <= j_begin) return;
    if (g->k <= 0) { epilogue_only(g); return; }
    panel_origin origin = {packed_b, g, NULL};
    product(g, &origin, j_begin, j_end);
}

void dl_gemm_source(const dl_gemm_args *g, const dl_panel_source *source) {
    if (g->m <= 0 || g->n <= 0) return;
    if (g->k <= 0) { epilogue_only(g); return; }
    panel_origin origin = {NULL, g, source};
    product(g, &origin, 0, g->n);
}
