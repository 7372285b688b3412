func f() {}
f()
