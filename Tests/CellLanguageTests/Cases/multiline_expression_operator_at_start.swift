let total = 10
    - 4
print(total)   // expect: 6
