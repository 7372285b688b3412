let = 3        // expect error: expected a name, found '='
let ok = 1
let y = ]      // expect error: expected an expression, found ']'
print(ok))     // expect error: consecutive statements on a line must be separated by ';'
