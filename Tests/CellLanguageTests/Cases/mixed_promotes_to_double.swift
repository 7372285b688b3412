let x = 3
print(x * 0.5)         // expect: 1.5
print(x + 1.0)         // expect: 4.0
