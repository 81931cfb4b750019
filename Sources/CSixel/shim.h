// libsixel: RGB pixels in, a DEC sixel sequence out (through a write callback), and the
// decoder the tests use to read a sequence back. pkg-config adds -I/usr/include/sixel.
#include <sixel.h>

// The SIXEL_PIXELFORMAT_* macros are built from other macros, which Swift does not import.
enum {
    DIGITLAB_SIXEL_PIXELFORMAT_RGB888 = SIXEL_PIXELFORMAT_RGB888
};

// libsixel's version is a string macro, which Swift does not import either.
static inline const char *digitlab_sixel_version(void) { return LIBSIXEL_VERSION; }
