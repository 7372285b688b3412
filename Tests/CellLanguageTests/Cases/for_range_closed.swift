var s = 0
for i in 1...4 { s += i }
print(s)   // expect: 10
