print(2 + 3 * 4 - 1)   // expect: 13
print(10 - 4 - 3)      // expect: 3
print(2 * 3 % 4)       // expect: 2
print(-2 * 3)          // expect: -6
print(1 + 2 == 3 && 2 < 3) // expect: true
