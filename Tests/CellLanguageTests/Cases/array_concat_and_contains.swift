let xs = [1, 2] + [3]
print(xs, xs.contains(3), xs.contains(9))   // expect: [1, 2, 3] true false
