var d = [String: Int]()
d = [:]
d["x"] = 1
d   // expect: ["x": 1]
