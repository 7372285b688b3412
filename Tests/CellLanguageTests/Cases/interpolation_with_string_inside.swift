let s = "x"
print("[\(s + "y")]")  // expect: [xy]
