let a: Int? = nil
print(a ?? nil ?? 7)   // expect: 7
