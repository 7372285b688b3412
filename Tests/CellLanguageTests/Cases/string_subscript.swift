print("abc"[1])   // expect: b
