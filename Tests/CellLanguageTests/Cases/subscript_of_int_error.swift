let a = 1
print(a[0])   // expect error: value of type 'Int' has no subscripts
