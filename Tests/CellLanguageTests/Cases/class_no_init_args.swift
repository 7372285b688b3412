class A { var x = 1 }
let a = A(3)   // expect error: A() takes no arguments (declare an init)
