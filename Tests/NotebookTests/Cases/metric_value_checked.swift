metric("loss", tensor([1.0, 2.0]))                // expect error: metric: 'value' must be a number or a one-element tensor, not Tensor
