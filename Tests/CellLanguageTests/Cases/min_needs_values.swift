print(min())   // expect error: min needs at least one value
