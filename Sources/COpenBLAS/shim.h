// OpenBLAS through its CBLAS interface, plus its thread-count controls.
#include <cblas.h>
