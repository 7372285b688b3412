return 1   // expect error: 'return' is only allowed inside a function
