let r = 0..<2.5   // expect error: range bounds must be Int, not Double
