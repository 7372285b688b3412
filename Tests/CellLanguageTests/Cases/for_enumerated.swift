for (i, x) in ["x", "y"].enumerated() {
    print(i, x)
}
// expect: 0 x
// expect: 1 y
