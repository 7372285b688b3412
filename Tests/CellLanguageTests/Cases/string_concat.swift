let s = "Hello, " + "world"
print(s)          // expect: Hello, world
print(s.count)    // expect: 12
