// 2x2 max pooling (stride 2), the common case, in loops the compiler vectorises:
// the maximum of each window and where it was (first maximum wins ties, as in PyTorch).
#include "dl_kernels.h"

#define MAXPOOL2_BODY                                                                          \
    long oh = h / 2, ow = w / 2;                                                               \
    for (long p = 0; p < planes; p++) {                                                        \
        for (long oy = 0; oy < oh; oy++) {                                                     \
            const float *r0 = x + (p * h + 2 * oy) * w, *r1 = r0 + w;                          \
            float *out = y + (p * oh + oy) * ow;                                               \
            int *win = winners + (p * oh + oy) * ow;                                           \
            int origin = (int)(2 * oy * w);                                                    \
            for (long ox = 0; ox < ow; ox++) {                                                 \
                float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];  \
                float best = a;                                                                \
                int at = 0;                                                                    \
                if (b > best) { best = b; at = 1; }                                            \
                if (c > best) { best = c; at = (int)w; }                                       \
                if (d > best) { best = d; at = (int)w + 1; }                                   \
                out[ox] = best;                                                                \
                win[ox] = origin + (int)(2 * ox) + at;                                         \
            }                                                                                  \
        }                                                                                      \
    }

static void maxpool2_portable(const float *restrict x, long planes, long h, long w, float *restrict y,
                              int *restrict winners) {
    MAXPOOL2_BODY
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void maxpool2_avx2(const float *restrict x, long planes, long h, long w, float *restrict y,
                          int *restrict winners) {
    MAXPOOL2_BODY
}
#endif

void dl_maxpool2(const float *x, long planes, long h, long w, float *y, int *winners) {
#if defined(__x86_64__)
    if (dl_cpu_has_avx2_fma()) { maxpool2_avx2(x, planes, h, w, y, winners); return; }
#endif
    maxpool2_portable(x, planes, h, w, y, winners);
}
