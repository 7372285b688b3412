func inc(_ x: Int) -> Int { return x + 1 }
let f = inc
print(f(1))   // expect: 2
