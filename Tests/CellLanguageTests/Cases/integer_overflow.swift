let big = 9223372036854775807
print(big + 1)   // expect error: arithmetic overflow in '+'
