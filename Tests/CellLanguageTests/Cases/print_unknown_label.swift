print(1, sep: ",")   // expect error: print has no parameter 'sep:'
