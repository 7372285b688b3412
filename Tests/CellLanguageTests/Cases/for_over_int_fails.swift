for i in 5 {   // expect error: cannot iterate over a value of type Int
}
