// Convolution helpers: im2col written straight into the matrix product's packed panels
// (no second copy), and the plain im2col / col2im of the backward pass.
#include "dl_kernels.h"
#include "small_copy.h"
#include <stdlib.h>
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

/// Where row k = (c, ky, kx) of the im2col matrix reads: its channel plane, its kernel
/// offsets, and the output columns [lo, hi) whose input column is inside the image.
typedef struct {
    long plane, ky, kx, lo, hi;
} patch_row;

static _Thread_local patch_row *row_table;
static _Thread_local long row_capacity;

static patch_row *patch_rows(long channels, long h, long w, long kernel, long stride, long pad) {
    long K = channels * kernel * kernel;
    if (K > row_capacity) {
        free(row_table);
        row_table = malloc(K * sizeof(patch_row));
        row_capacity = row_table ? K : 0;
        if (!row_table) return NULL;
    }
    for (long k = 0; k < K; k++) {
        long c = k / (kernel * kernel), ky = (k / kernel) % kernel, kx = k % kernel;
        row_table[k] = (patch_row){c * h * w, ky, kx,
                                   pad - kx > 0 ? (pad - kx + stride - 1) / stride : 0,
                                   w - 1 + pad - kx < 0 ? 0 : (w - 1 + pad - kx) / stride + 1};
    }
    return row_table;
}

// ---------------------------------------------------------------------------------------
// Convolution forward: one product per image, its B panels made by im2col on demand.
// Padding is done once per image (a zero-bordered copy), so that every read below is
// inside the image and a row of 16 output pixels is one or two plain copies.

typedef struct {
    const float *x;        // one image, already padded: channels x hp x wp
    long stride, oh, ow;
    const long *row_offset; // per im2col row k = (c, ky, kx): c*hp*wp + ky*wp + kx
    long wp;
} image_columns;

static inline void copy_floats(float *restrict d, const float *restrict s, long n, long stride) {
    if (stride != 1) {
        for (long t = 0; t < n; t++) d[t] = s[t * stride];
        return;
    }
    dl_copy(d, s, n);
}

/// Rows k0..<k0+kc of im2col columns (pixels) j0..<j0+cols of one image, as a [k][16] panel.
static void fill_panel(const void *context, long k0, long kc, long j0, long cols, float *dst) {
    const image_columns *ic = context;
    pixel_run runs[NR];
    int nruns = runs_of_panel(j0, j0 + cols, ic->oh, ic->ow, runs);
    const float *base[NR];
    for (int r = 0; r < nruns; r++) base[r] = ic->x + runs[r].oy * ic->stride * ic->wp + runs[r].ox * ic->stride;
    if (cols < NR)
        for (long k = 0; k < kc; k++) dl_zero(dst + k * NR + cols, NR - cols);
    for (long k = k0; k < k0 + kc; k++, dst += NR) {
        long offset = ic->row_offset[k];
        for (int r = 0; r < nruns; r++)
            copy_floats(dst + runs[r].first, base[r] + offset, runs[r].count, ic->stride);
    }
}

static _Thread_local float *padded_image;
static _Thread_local long padded_capacity;
static _Thread_local long *offsets;
static _Thread_local long offsets_capacity;

static void *grow(void **buffer, long *capacity, long count, size_t size) {
    if (count > *capacity) {
        free(*buffer);
        *buffer = malloc(count * size);
        *capacity = *buffer ? count : 0;
    }
    return *buffer;
}

void dl_conv_forward(const float *x, long images, long channels, long h, long w, long kernel,
                     long stride, long pad, long oh, long ow, const float *weight, long filters,
                     const float *bias, int relu, float *y) {
    long K = channels * kernel * kernel, pixels = oh * ow;
    long hp = h + 2 * pad, wp = w + 2 * pad;
    long *row_offset = grow((void **)&offsets, &offsets_capacity, K, sizeof(long));
    float *padded = pad > 0 ? grow((void **)&padded_image, &padded_capacity, channels * hp * wp, sizeof(float)) : NULL;
    if (!row_offset || (pad > 0 && !padded)) return;
    for (long k = 0; k < K; k++) {
        long c = k / (kernel * kernel), ky = (k / kernel) % kernel, kx = k % kernel;
        row_offset[k] = c * hp * wp + ky * wp + kx;
    }
    if (padded) memset(padded, 0, channels * hp * wp * sizeof(float));
    for (long img = 0; img < images; img++) {
        const float *image = x + img * channels * h * w;
        if (padded) {
            for (long c = 0; c < channels; c++)
                for (long r = 0; r < h; r++)
                    dl_copy(padded + (c * hp + r + pad) * wp + pad, image + (c * h + r) * w, w);
            image = padded;
        }
        image_columns ic = {image, stride, oh, ow, row_offset, wp};
        dl_panel_source source = {fill_panel, &ic};
        dl_gemm_args g = {0, 0, filters, pixels, K, weight, K, NULL, 0, y + img * filters * pixels, pixels,
                          0, bias, NULL, relu};
        dl_gemm_source(&g, &source);
    }
}

// ---------------------------------------------------------------------------------------
// The backward pass's plain im2col (rows: channel, ky, kx; columns: image, output pixel)
// and its adjoint col2im, one output row at a time.

void dl_im2col(const float *x, long images, long channels, long h, long w, long kernel, long stride,
               long pad, long oh, long ow, float *cols) {
    long K = channels * kernel * kernel, columns = images * oh * ow;
    const patch_row *rows = patch_rows(channels, h, w, kernel, stride, pad);
    if (!rows) return;
    for (long k = 0; k < K; k++) {
        const patch_row *pr = &rows[k];
        long lo = pr->lo < ow ? pr->lo : ow, hi = pr->hi < ow ? pr->hi : ow;
        if (hi < lo) hi = lo;
        for (long img = 0; img < images; img++) {
            const float *plane = x + img * channels * h * w + pr->plane;
            float *out = cols + k * columns + img * oh * ow;
            for (long oy = 0; oy < oh; oy++, out += ow) {
                long iy = oy * stride - pad + pr->ky;
                if (iy < 0 || iy >= h || lo == hi) { dl_zero(out, ow); continue; }
                const float *src = plane + iy * w - pad + pr->kx;
                dl_zero(out, lo);
                if (stride == 1) dl_copy(out + lo, src + lo, hi - lo);
                else for (long ox = lo; ox < hi; ox++) out[ox] = src[ox * stride];
                dl_zero(out + hi, ow - hi);
            }
        }
    }
}

void dl_col2im(const float *cols, long images, long channels, long h, long w, long kernel, long stride,
               long pad, long oh, long ow, float *dx) {
    long K = channels * kernel * kernel, columns = images * oh * ow;
    const patch_row *rows = patch_rows(channels, h, w, kernel, stride, pad);
    if (!rows) return;
    for (long k = 0; k < K; k++) {
        const patch_row *pr = &rows[k];
        long lo = pr->lo < ow ? pr->lo : ow, hi = pr->hi < ow ? pr->hi : ow;
        if (hi <= lo) continue;
        for (long img = 0; img < images; img++) {
            float *plane = dx + img * channels * h * w + pr->plane;
            const float *src = cols + k * columns + img * oh * ow;
            for (long oy = 0; oy < oh; oy++, src += ow) {
                long iy = oy * stride - pad + pr->ky;
                if (iy < 0 || iy >= h) continue;
                float *dst = plane + iy * w - pad + pr->kx;
                if (stride == 1) for (long ox = lo; ox < hi; ox++) dst[ox] += src[ox];
                else for (long ox = lo; ox < hi; ox++) dst[ox * stride] += src[ox];
            }
        }
    }
}
