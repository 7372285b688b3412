for i in 3..<3 { print(i) }
print("none")   // expect: none
