// The one instruction a spinning thread should execute between polls, and what the
// thread pool asks the system.
#define _GNU_SOURCE
#include "dl_kernels.h"
#include <unistd.h>
#if defined(__linux__)
#include <sched.h>
#endif
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

int dl_available_cpus(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
#endif
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}
