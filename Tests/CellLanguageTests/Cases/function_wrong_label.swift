func f(x: Int) -> Int { return x }
print(f(y: 1))   // expect error: f has no parameter 'y:'; expected f(x: Int)
