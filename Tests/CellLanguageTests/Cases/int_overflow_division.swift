let big = Int.min
print(big / -1)                                   // expect error: arithmetic overflow in '/'
