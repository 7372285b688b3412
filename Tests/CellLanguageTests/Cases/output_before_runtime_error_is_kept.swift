print("first")   // expect: first
let x = [1][3]   // expect error: index 3 is out of range for an array of 1 elements
print("never")
