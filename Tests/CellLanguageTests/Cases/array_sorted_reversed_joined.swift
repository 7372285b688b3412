let xs = [3, 1, 2]
print(xs.sorted(), xs.reversed(), xs.map { String($0) }.joined(separator: "-"))   // expect: [1, 2, 3] [2, 1, 3] 3-1-2
