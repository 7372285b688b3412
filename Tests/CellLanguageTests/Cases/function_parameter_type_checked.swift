func f(_ x: Int) -> Int { return x }
print(f("no"))   // expect error: cannot convert value of type String to Int
