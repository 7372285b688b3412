print("before")   // never printed: the resolver finds the error before the cell runs
break   // expect error: 'break' and 'continue' are only allowed inside a loop
