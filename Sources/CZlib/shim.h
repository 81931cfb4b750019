// zlib: gzopen/gzread read gzipped and raw files alike (transparent mode).
#include <zlib.h>
