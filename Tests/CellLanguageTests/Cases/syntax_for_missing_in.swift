for i 0..<3 { }   // expect error: expected 'in' after for-loop pattern, found '0'
