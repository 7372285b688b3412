for name in ["a", "b"] { print(name) }
// expect: a
// expect: b
