let a = 1 @ 2   // expect error: unexpected character '@'
