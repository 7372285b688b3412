let n = 4
print(n % 2 == 0 ? "even" : "odd")  // expect: even
print(n > 10 ? 1 : n > 3 ? 2 : 3)   // expect: 2
