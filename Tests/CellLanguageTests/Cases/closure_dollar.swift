print([1, 2, 3, 4].filter { $0 % 2 == 0 })   // expect: [2, 4]
