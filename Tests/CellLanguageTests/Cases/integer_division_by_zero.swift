let z = 0
print(1 / z)   // expect error: division by zero
