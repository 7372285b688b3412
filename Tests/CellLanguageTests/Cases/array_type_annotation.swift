let xs: [Double] = [1, 2.5]
print(xs)   // expect: [1.0, 2.5]
