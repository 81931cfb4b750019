// Convolution helpers: im2col written straight into the matrix product's packed panels
// (no second copy), and the plain im2col / col2im of the backward pass.
#include "dl_kernels.h"
#include <string.h>

#define NR 16

typedef struct {
    long img, oy, ox, first, count; // a run of `count` output pixels of one row, from ox
} pixel_run;

/// The runs of consecutive output pixels (same image, same output row) that columns
/// j0..<j0+NR cover.
static int runs_of_panel(long j0, long columns, long oh, long ow, pixel_run *runs) {
    int n = 0;
    long pixels = oh * ow;
    for (long j = j0; j < j0 + NR && j < columns;) {
        long img = j / pixels, p = j % pixels, oy = p / ow, ox = p % ow;
        long count = ow - ox;
        if (count > j0 + NR - j) count = j0 + NR - j;
        if (count > columns - j) count = columns - j;
        runs[n++] = (pixel_run){img, oy, ox, j - j0, count};
        j += count;
    }
    return n;
}

void dl_im2col_packed(const float *x, long images, long channels, long h, long w, long kernel,
                      long stride, long pad, long oh, long ow, float *packed) {
    long K = channels * kernel * kernel, N = images * oh * ow;
    long npad = dl_packed_b_size(1, N); // N rounded up to whole panels
    long kcb = dl_gemm_k_block(K);
    pixel_run runs[NR];
    for (long j0 = 0; j0 < N; j0 += NR) {
        int nruns = runs_of_panel(j0, N, oh, ow, runs);
        for (long pc = 0; pc < K; pc += kcb) {
            long kc = K - pc < kcb ? K - pc : kcb;
            float *panel = packed + pc * npad + j0 * kc;
            for (long k = pc; k < pc + kc; k++) {
                long c = k / (kernel * kernel), ky = (k / kernel) % kernel, kx = k % kernel;
                // Output columns whose input column ox*stride - pad + kx is inside the image.
                long lo = pad - kx > 0 ? (pad - kx + stride - 1) / stride : 0;
                long hi = w - 1 + pad - kx < 0 ? 0 : (w - 1 + pad - kx) / stride + 1;
                float *d = panel + (k - pc) * NR;
                memset(d, 0, NR * sizeof(float));
                for (int r = 0; r < nruns; r++) {
                    const pixel_run *run = &runs[r];
                    long iy = run->oy * stride - pad + ky;
                    if (iy < 0 || iy >= h) continue;
                    long t0 = lo - run->ox > 0 ? lo - run->ox : 0;
                    long t1 = hi - run->ox < run->count ? hi - run->ox : run->count;
                    const float *src = x + ((run->img * channels + c) * h + iy) * w - pad + kx + run->ox * stride;
                    float *out = d + run->first;
                    if (stride == 1) {
                        for (long t = t0; t < t1; t++) out[t] = src[t];
                    } else {
                        for (long t = t0; t < t1; t++) out[t] = src[t * stride];
                    }
                }
            }
        }
    }
}
