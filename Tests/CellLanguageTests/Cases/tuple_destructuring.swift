let (a, b, c) = (1, "two", 3.0)
print(a, b, c)   // expect: 1 two 3.0
