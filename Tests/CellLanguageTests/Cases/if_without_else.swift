if 2 > 3 { print("no") }
print("done")   // expect: done
