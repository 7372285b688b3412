var xs = [3, 1, 2]
xs.append(4)
print(xs, xs.count, xs.first, xs.last, xs.isEmpty)   // expect: [3, 1, 2, 4] 4 3 4 false
