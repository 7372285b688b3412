let xs = [1]
xs.append(2)   // expect error: cannot use mutating member 'append' on 'xs': it is a 'let' constant
