print(type(of: 1), type(of: 1.0), type(of: "s"), type(of: [1]))   // expect: Int Double String Array
