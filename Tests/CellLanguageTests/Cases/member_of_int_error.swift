let a = 1
print(a.size)   // expect error: value of type 'Int' has no member 'size'
