print(String(format: "%5.2f|%-4d|%x", 3.14159, 7, 255))   // expect:  3.14|7   |ff
print(String(format: "%@d", 5))                   // expect error: invalid format string '%@d': use %d, %i, %x, %f, %e, %g or %s, with flags, a width and a precision (up to 100)
