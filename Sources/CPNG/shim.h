// libpng's simplified png_image_* API (the classic API reports errors by longjmp,
// which Swift cannot survive).
#include <png.h>
