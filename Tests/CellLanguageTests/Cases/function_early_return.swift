func firstEven(_ xs: [Int]) -> Int {
    for x in xs {
        if x % 2 == 0 { return x }
    }
    return -1
}
print(firstEven([3, 5, 8, 10]))   // expect: 8
print(firstEven([1]))             // expect: -1
