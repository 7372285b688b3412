class A { var x = 1 }
print(A().y)   // expect error: value of type 'A' has no member 'y'
