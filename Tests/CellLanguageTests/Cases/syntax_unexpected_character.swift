let a = 1 @ 2   // expect error: unexpected character '@': '@' is not an operator in Swift, write a.matmul(b) or matmul(a, b)
