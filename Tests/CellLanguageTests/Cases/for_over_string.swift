for ch in "abc" { print(ch, terminator: "-") }
print("")   // expect: a-b-c-
