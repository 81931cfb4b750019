// Copies and zero fills of a few floats, inlined: for variable sizes the compiler calls
// libc's memcpy/memset, and a call per 10-float row cost 7% of a LeNet step.
#ifndef DL_SMALL_COPY_H
#define DL_SMALL_COPY_H
#include <string.h>

#if defined(__has_builtin)
#if __has_builtin(__builtin_memcpy_inline)
#define DL_COPY_CONST(d, s, bytes) __builtin_memcpy_inline((d), (s), (bytes))
#endif
#endif
#ifndef DL_COPY_CONST
#define DL_COPY_CONST(d, s, bytes) memcpy((d), (s), (bytes))
#endif

static inline void dl_copy(float *restrict d, const float *restrict s, long n) {
    long t = 0;
    for (; t + 16 <= n; t += 16) DL_COPY_CONST(d + t, s + t, 64);
    if (n - t >= 8) { DL_COPY_CONST(d + t, s + t, 32); t += 8; }
    if (n - t >= 4) { DL_COPY_CONST(d + t, s + t, 16); t += 4; }
    if (n - t >= 2) { DL_COPY_CONST(d + t, s + t, 8); t += 2; }
    if (n - t >= 1) d[t] = s[t];
}

static inline void dl_zero(float *d, long n) {
    static const float zeros[16] = {0};
    long t = 0;
    for (; t + 16 <= n; t += 16) DL_COPY_CONST(d + t, zeros, 64);
    if (n - t >= 8) { DL_COPY_CONST(d + t, zeros, 32); t += 8; }
    if (n - t >= 4) { DL_COPY_CONST(d + t, zeros, 16); t += 4; }
    if (n - t >= 2) { DL_COPY_CONST(d + t, zeros, 8); t += 2; }
    if (n - t >= 1) d[t] = 0;
}
#endif
