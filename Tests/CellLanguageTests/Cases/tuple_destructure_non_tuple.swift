let (a, b) = 5   // expect error: cannot destructure a value of type Int into 2 names
