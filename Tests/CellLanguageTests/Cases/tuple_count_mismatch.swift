let (a, b) = (1, 2, 3)   // expect error: cannot destructure 3 values into 2 names
