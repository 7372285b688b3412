let xs = [Int]()
xs   // expect: []
