for t in stride(from: 0, to: 10, by: 4) { print(t) }
// expect: 0
// expect: 4
// expect: 8
