func apply(_ f: Function, _ x: Int) -> Int { return f(x) }
print(apply({ y in y * y }, 5))   // expect: 25
