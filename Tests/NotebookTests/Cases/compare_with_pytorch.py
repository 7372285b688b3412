# Reruns every PyTorch twin (NAME.py) in this folder and compares what it prints with the
# `// expect:` lines of NAME.swift; lines the twin prints as "error: …" are shown beside the
# case's `// expect error:` line. Run by hand after `pip install torch numpy` (never in CI):
#     python3 Tests/NotebookTests/Cases/compare_with_pytorch.py
# Last run on an AMD EPYC (Zen 4, 2 cores), Python 3.11.7, torch 2.15.0 and numpy 2.4.6: every case "same".
import pathlib
import platform
import subprocess
import sys

import numpy
import torch

here = pathlib.Path(__file__).parent
print(f"{platform.processor() or platform.machine()}; torch {torch.__version__}; numpy {numpy.__version__}")
failed = 0
for twin in sorted(here.glob("*.py")):
    case = twin.with_suffix(".swift")
    if twin.name == pathlib.Path(__file__).name or not case.exists():
        continue
    expected, errors = [], []
    for line in case.read_text().splitlines():
        if "// expect: " in line:
            expected.append(line.split("// expect: ", 1)[1])
        if "// expect error: " in line:
            errors.append(line.split("// expect error: ", 1)[1])
    out = subprocess.run([sys.executable, str(twin)], capture_output=True, text=True, check=True).stdout.splitlines()
    printed = [l for l in out if not l.startswith("error: ")]
    status = "same" if printed == expected else "DIFFERENT"
    failed += status != "same"
    print(f"{case.name}: {status}")
    if status != "same":
        for a, b in zip(printed + [""] * len(expected), expected + [""] * len(printed)):
            if a != b:
                print(f"  pytorch: {a!r}\n  runbook: {b!r}")
    for l in out:
        if l.startswith("error: "):
            print(f"  pytorch {l}\n  runbook error: {errors}")
sys.exit(1 if failed else 0)
