print("before")   // expect: before
break   // expect error: 'break' and 'continue' are only allowed inside a loop
