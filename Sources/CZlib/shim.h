#ifndef RUNBOOK_CZLIB_SHIM_H
#define RUNBOOK_CZLIB_SHIM_H
#include <zlib.h>
// inflateInit2 is a macro: wrap it.
static inline int czlib_inflate_init_gzip(z_streamp strm) { return inflateInit2(strm, 16 + MAX_WBITS); }
#endif
