let (a, (b, c)) = (1, (2, 3))
print(a + b + c)   // expect: 6
