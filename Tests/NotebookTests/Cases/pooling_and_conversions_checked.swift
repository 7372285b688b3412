// Numbers that do not fit, and kernels larger than their input, as PyTorch treats them
// (twin: the .py beside this file).
print(tensor([1, 2]) * 1e20)                      // expect: tensor([1.0000e+20, 2.0000e+20])
print(tensor([1, 2]) * 2.0, tensor([1, 2]) * 2)   // expect: tensor([2., 4.]) tensor([2, 4])
print(tensor([Double.nan, Double.infinity, 3.7]).long())   // expect: tensor([-9223372036854775808, -9223372036854775808,                    3])
print(maxPool2d(ones(1, 1, 4, 4) * 2, 7, stride: 7))  // expect error: max_pool2d: Output size is too small: kernel 7×7 is larger than the input 4×4
