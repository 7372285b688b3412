let a: Int? = nil
print(a)   // expect: nil
