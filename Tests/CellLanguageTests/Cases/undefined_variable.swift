let a = 1
print(a + b)   // expect error: cannot find 'b' in scope
