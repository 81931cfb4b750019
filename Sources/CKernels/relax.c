// The one instruction a spinning thread should execute between polls.
#include "dl_kernels.h"
#if defined(__linux__)
#include <malloc.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

void dl_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause(); // tells the core this is a spin loop: less power, no pipeline flush on exit
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

void dl_keep_freed_memory(void) {
#if defined(__linux__)
    mallopt(M_MMAP_THRESHOLD, 256 << 20); // blocks up to 256 MB come from the heap
    mallopt(M_TRIM_THRESHOLD, 512 << 20); // and freed ones stay there for the next step
#endif
}
