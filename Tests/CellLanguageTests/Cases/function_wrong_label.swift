func f(x: Int) -> Int { return x }
print(f(y: 1))   // expect error: f expects the argument for parameter 'x:' here, got 'y:'; expected f(x: Int)
