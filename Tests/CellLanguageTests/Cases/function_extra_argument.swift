func f(_ x: Int) -> Int { return x }
print(f(1, 2))   // expect error: extra argument in call to f; expected f(_ x: Int)
