let s: String = 3   // expect error: cannot convert value of type Int to String
