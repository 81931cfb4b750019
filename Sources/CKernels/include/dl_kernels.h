// DigitLab's numeric kernels in C: matrix products with fused epilogues, picked at run
// time for the CPU (AVX2+FMA where present, portable loops elsewhere).
#ifndef DL_KERNELS_H
#define DL_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// C = op(A)·op(B) (+ C when accumulate) (+ row_bias[i]) (+ col_bias[j]) (then ReLU),
/// row-major. op(A) is m x k, op(B) is k x n; lda/ldb/ldc are the stored row lengths.
typedef struct {
    int trans_a, trans_b;
    long m, n, k;
    const float *a; long lda;
    const float *b; long ldb;
    float *c; long ldc;
    int accumulate;
    const float *row_bias;
    const float *col_bias;
    int relu;
} dl_gemm_args;

void dl_gemm(const dl_gemm_args *args);

/// B packed once for many products (a layer's weights, shared by every chunk of a
/// step): dl_packed_b_size(k, n) floats, filled panel by panel (panels of
/// dl_gemm_panel_width() columns; [panel_begin, panel_end) lets chunks pack in parallel).
long dl_packed_b_size(long k, long n);
long dl_gemm_panel_width(void);
long dl_gemm_k_block(long k);
void dl_pack_b(int trans_b, const float *b, long ldb, long k, long n, long panel_begin,
               long panel_end, float *packed);
/// The product for columns [j_begin, j_end) of C (j_begin a multiple of the panel width),
/// with B already packed; args->b, ldb and trans_b are ignored.
void dl_gemm_packed(const dl_gemm_args *args, const float *packed_b, long j_begin, long j_end);

/// 1 when this CPU has AVX2 and FMA (the fast kernels).
int dl_cpu_has_avx2_fma(void);
/// The kernel family in use: "avx2+fma" or "portable".
const char *dl_kernel_name(void);
/// Tests: the calling thread uses the portable matrix kernels even where AVX2 exists.
void dl_force_portable(int on);

/// B made one panel at a time by a function (im2col straight into the panel, so the
/// columns never leave L1): fill(context, k0, kc, j0, cols, dst) writes rows k0..<k0+kc
/// of columns j0..<j0+cols as [k][16] with zeros past cols.
typedef struct {
    void (*fill)(const void *context, long k0, long kc, long j0, long cols, float *dst);
    const void *context;
} dl_panel_source;
void dl_gemm_source(const dl_gemm_args *args, const dl_panel_source *source);

/// Convolution forward for `images` NCHW images: y = W · im2col(x) + bias (ReLU), with
/// y written [image][filter][pixel]; im2col is made panel by panel inside the product.
void dl_conv_forward(const float *x, long images, long channels, long h, long w, long kernel,
                     long stride, long pad, long oh, long ow, const float *weight, long filters,
                     const float *bias, int relu, float *y);

/// The backward pass's im2col: rows (channel, ky, kx), columns (image, output pixel),
/// zeros where a patch reaches into the padding; and col2im, which adds each column
/// back onto the pixels it came from (dx must start at zero).
void dl_im2col(const float *x, long images, long channels, long h, long w, long kernel, long stride,
               long pad, long oh, long ow, float *cols);
void dl_col2im(const float *cols, long images, long channels, long h, long w, long kernel, long stride,
               long pad, long oh, long ow, float *dx);

/// Direct convolution of one-channel images with stride 1 (a first layer on greyscale
/// digits): when dl_conv_direct_applies, y = W * x + b (ReLU) as dl_conv_forward would
/// compute it, and dW += Σ over the images of ∂Y * x.
int dl_conv_direct_applies(long channels, long kernel, long stride);
void dl_conv_direct_forward(const float *x, long images, long h, long w, long kernel, long pad,
                            long oh, long ow, const float *weight, long filters, const float *bias,
                            int relu, float *y);
void dl_conv_direct_weight_grad(const float *x, const float *dy, long images, long h, long w, long kernel,
                                long pad, long oh, long ow, long filters, float *dw);

/// 3x3, stride 1 convolution by Winograd's F(2x2, 3x3): y = W * x + b (ReLU), y as
/// [image][filter][oh][ow] with oh = h + 2·pad − 2. With `flip`, the transposed
/// convolution a layer's ∂x needs: weight is then [channels][filters][3][3] (the
/// layer's own W) and is used rotated by 180°.
int dl_winograd_applies(long kernel, long stride);
void dl_winograd_conv3x3(const float *x, long images, long channels, long h, long w, long pad,
                         const float *weight, long filters, int flip, const float *bias, int relu,
                         float *y);

/// Sparse inputs (a dense layer on digits: most pixels are blank paper). The values of x
/// (rows x cols) that differ from c, as rows (CSR: starts[rows+1], column indices, x − c)
/// or as columns (CSC: starts[cols+1], row indices, x − c), and how many there are.
long dl_count_different(const float *x, long n, float c);
void dl_sparse_rows(const float *x, long rows, long cols, float c, long *starts, int *indices, float *values);
void dl_sparse_columns(const float *x, long rows, long cols, float c, long *starts, int *indices, float *values);
/// For each sparse line r in [first, last): out[r][j] = base[j] + Σ value · m[index][j]
/// over the line's entries in order (ReLU), j < width. base may be NULL (zeros).
void dl_sparse_combine(const long *starts, const int *indices, const float *values, long first, long last,
                       const float *m, long ldm, long width, const float *base, int relu, float *out, long ldout);
/// out = mᵀ for m rows x cols (row lengths ldm and ldo).
void dl_transpose(const float *m, long rows, long cols, long ldm, float *out, long ldo);

/// 2x2 max pooling with stride 2 over `planes` h x w planes: y gets each window's
/// maximum, winners its offset within the plane (first maximum wins ties).
void dl_maxpool2(const float *x, long planes, long h, long w, float *y, int *winners);

/// Keeps freed blocks of up to 256 MB in the heap instead of returning them to the
/// kernel (layer outputs are fresh arrays every step; each mmap'ed one costs page faults).
void dl_keep_freed_memory(void);

/// CPUs this process may run on (its affinity mask; else the online CPUs).
int dl_available_cpus(void);

/// One pause of a spin loop (x86 PAUSE, arm64 YIELD).
void dl_cpu_relax(void);

#ifdef __cplusplus
}
#endif
#endif
