let (first, second) = [10, 20]
print(first + second)   // expect: 30
