let xs = [1, 2]
print(xs[2])   // expect error: index 2 is out of range for an array of 2 elements
