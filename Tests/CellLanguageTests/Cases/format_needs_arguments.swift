print(String(format: "%d and %d", 1))   // expect error: format string '%d and %d' needs more arguments
