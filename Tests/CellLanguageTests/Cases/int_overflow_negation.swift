let big = Int.min
print(-big)                                       // expect error: arithmetic overflow in '-'
