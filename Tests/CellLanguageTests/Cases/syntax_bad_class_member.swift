class A {
    print(1)   // expect error: expected 'let', 'var', 'func' or 'init' in the body of class A, found 'print'
}
