for (a, b) in zip([1, 2], ["x", "y"]) { print(a, b) }
// expect: 1 x
// expect: 2 y
