let xs = [
    1,
    2,
]
print(xs)   // expect: [1, 2]
