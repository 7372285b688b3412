var n: Int = 1
n = "two"   // expect error: cannot convert value of type String to Int
