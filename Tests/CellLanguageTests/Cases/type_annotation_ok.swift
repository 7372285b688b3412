let n: Int = 3
let d: Double = 2
print(n, d)   // expect: 3 2.0
