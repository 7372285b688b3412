print(String(format: "%*d", 5))                   // expect error: invalid format string '%*d': use %d, %i, %x, %f, %e, %g or %s, with flags, a width and a precision (up to 100)
