func f() {
    print(1)   // expect error: expected '}' to close the block, found end of cell
