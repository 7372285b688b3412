"hi"   // expect: "hi"
