let xs = ["a", "b", "c"]
for i in xs.indices { print(i, terminator: " ") }
print("")   // expect: 0 1 2 
