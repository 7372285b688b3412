let a = 1
var b = 2
b = b + a
print(b)   // expect: 3
