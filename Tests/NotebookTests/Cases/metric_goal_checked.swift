metric("reward", 1.0)
metric("reward", 2.0, goal: "min")                // expect error: metric 'reward': goal "min" differs from its first "max"
