#ifndef RUNBOOK_CGD_SHIM_H
#define RUNBOOK_CGD_SHIM_H
#include <gd.h>

// Swift does not import function-like macros: wrap the ones we use.
static inline int cgd_truecolor_alpha(int r, int g, int b, int a) { return gdTrueColorAlpha(r, g, b, a); }
static inline int cgd_sx(gdImagePtr im) { return gdImageSX(im); }
static inline int cgd_sy(gdImagePtr im) { return gdImageSY(im); }
static inline int cgd_truecolor_pixel(gdImagePtr im, int x, int y) { return gdImageGetTrueColorPixel(im, x, y); }
#endif
