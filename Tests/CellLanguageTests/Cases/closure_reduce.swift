print([1, 2, 3, 4].reduce(0) { a, b in a + b })   // expect: 10
