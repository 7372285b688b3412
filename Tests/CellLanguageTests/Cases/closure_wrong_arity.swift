let f = { (a, b) in a + b }
print(f(1))   // expect error: closure expects 2 arguments, got 1
