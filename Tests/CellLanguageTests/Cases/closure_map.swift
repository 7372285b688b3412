let xs = [1, 2, 3]
print(xs.map { x in x * 10 })   // expect: [10, 20, 30]
