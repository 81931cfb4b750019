// libjpeg-turbo's TurboJPEG API: every call returns a status (no longjmp reaches Swift).
#include <turbojpeg.h>
