func square(_ x: Int) -> Int {
    return x * x
}
print(square(7))   // expect: 49
