# Records the corpus: runs each PyTorch/numpy program NAME.py in this folder with real PyTorch and
# writes what it printed as the `// expect:` block at the end of its port NAME.swift, which the
# suite (EngineCaseTests) then checks Runbook against. Run by hand, never in CI:
#     pip install torch numpy && python3 Tests/NotebookTests/Corpus/record.py [NAME …]
# Recorded on an AMD EPYC (Zen 4, 2 cores) with Python 3.11.7, torch 2.15.0 (CPU) and numpy 2.4.6.
import pathlib
import subprocess
import sys

here = pathlib.Path(__file__).parent
MARK = "// The output, recorded from the PyTorch program beside this file (record.py):"
names = sys.argv[1:] or sorted(p.stem for p in here.glob("*.py") if p.name != "record.py")
for name in names:
    port = here / f"{name}.swift"
    out = subprocess.run([sys.executable, str(here / f"{name}.py")], capture_output=True, text=True, check=True).stdout
    # Python spells booleans True/False; the cell language, as Swift, true/false.
    lines = [l.replace("True", "true").replace("False", "false") if l.startswith("bool:") else l for l in out.splitlines()]
    lines = [l[len("bool:"):] if l.startswith("bool:") else l for l in lines]
    source = port.read_text()
    if MARK in source:
        source = source[: source.index(MARK)].rstrip() + "\n"
    source += "\n" + MARK + "\n" + "".join(f"// expect: {l}\n" for l in lines)
    port.write_text(source)
    print(f"{name}: {len(lines)} lines")
