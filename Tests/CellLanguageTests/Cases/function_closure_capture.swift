var count = 0
func bump() { count += 1 }
bump()
bump()
print(count)   // expect: 2
