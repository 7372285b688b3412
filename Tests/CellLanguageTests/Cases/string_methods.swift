let s = "Runbook"
print(s.uppercased(), s.lowercased(), s.hasPrefix("Run"), s.hasSuffix("x"))  // expect: RUNBOOK runbook true false
