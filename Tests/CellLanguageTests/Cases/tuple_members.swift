let t = (4, 5)
print(t.0, t.1)   // expect: 4 5
