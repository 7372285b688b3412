// PyTorch refuses a kernel larger than the padded input ("Kernel size can't be greater than actual input size").
let conv = Conv2d(1, 2, 5)
print(conv(ones(1, 1, 3, 3)))                     // expect error: conv2d: Kernel size can't be greater than actual input size: kernel 5×5, padded input 3×3
