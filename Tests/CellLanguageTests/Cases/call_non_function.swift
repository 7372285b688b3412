let x = 3
x(1)   // expect error: cannot call value of non-function type 'Int'
