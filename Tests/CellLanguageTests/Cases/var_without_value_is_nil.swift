var x
print(x)   // expect: nil
x = 3
print(x)   // expect: 3
