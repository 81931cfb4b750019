// cairo for anti-aliased figures; fontconfig finds DejaVu Sans for the text.
#include <cairo/cairo.h>
#include <fontconfig/fontconfig.h>
