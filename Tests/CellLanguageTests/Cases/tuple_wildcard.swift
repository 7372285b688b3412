let (_, y) = (1, 2)
print(y)   // expect: 2
