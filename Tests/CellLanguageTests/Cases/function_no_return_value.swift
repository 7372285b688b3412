func shout(_ s: String) {
    print(s + "!")
}
shout("hey")   // expect: hey!
