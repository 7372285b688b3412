var a = 1
-a
print(a)   // expect: 1
