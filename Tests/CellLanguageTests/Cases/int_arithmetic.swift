print(1 + 2 * 3)       // expect: 7
print((1 + 2) * 3)     // expect: 9
print(7 / 2)           // expect: 3
print(7 % 3)           // expect: 1
print(-7 / 2)          // expect: -3
