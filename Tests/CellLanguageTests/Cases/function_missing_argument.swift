func f(_ a: Int, b: Int) -> Int { return a + b }
print(f(1))   // expect error: missing argument for parameter 'b' in call to f; expected f(_ a: Int, b: Int)
