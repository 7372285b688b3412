var xs = [1, 2, 3]
xs[1] = 20
print(xs[1], xs)   // expect: 20 [1, 20, 3]
