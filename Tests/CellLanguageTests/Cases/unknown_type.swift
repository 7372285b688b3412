let a: Tensr = 1   // expect error: cannot find type 'Tensr' in scope
