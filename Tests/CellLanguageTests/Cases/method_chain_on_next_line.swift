let xs = [3, 1, 2]
    .sorted()
    .map { $0 * 2 }
print(xs)   // expect: [2, 4, 6]
