let r = 5..<2   // expect error: range requires lowerBound <= upperBound, got 5 and 2
