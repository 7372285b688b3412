for epoch in 0..<3 { metric("loss", 1.0 / Double(epoch + 1)) }
metric("accuracy", tensor([0.5]), step: 10)
metric("accuracy", 0.75, step: 20, goal: "max")
metric("loss", 0.1, step: 2)                      // expect error: metric 'loss': step 2 is not after its last step, 2 (steps must increase)
