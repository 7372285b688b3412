if 1 {   // expect error: condition must be a Bool, not Int
    print("no")
}
