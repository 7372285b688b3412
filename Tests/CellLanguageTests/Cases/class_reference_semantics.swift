class Cell { var v = 1 }
let a = Cell()
let b = a
b.v = 2
print(a.v)   // expect: 2
