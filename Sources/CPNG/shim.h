// libpng's simplified png_image_* API (the classic API reports errors by longjmp,
// which Swift cannot survive).
#include <png.h>

// The PNG_FORMAT_* macros are built from other macros, which Swift does not import.
enum {
    DIGITLAB_PNG_IMAGE_VERSION = PNG_IMAGE_VERSION,
    DIGITLAB_PNG_FORMAT_GRAY = PNG_FORMAT_GRAY,
    DIGITLAB_PNG_FORMAT_GA = PNG_FORMAT_GA,
    DIGITLAB_PNG_FORMAT_RGB = PNG_FORMAT_RGB,
    DIGITLAB_PNG_FORMAT_RGBA = PNG_FORMAT_RGBA,
    DIGITLAB_PNG_FORMAT_LINEAR_Y = PNG_FORMAT_LINEAR_Y
};
