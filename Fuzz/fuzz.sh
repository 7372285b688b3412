#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the reader, the cell language and
# whole notebooks: `make fuzz FUZZ_SECONDS=1800` runs each harness that long, one after another.
# A crash or hang is kept as Fuzz/findings/<harness>-<kind>-<hash>; turn it into a regression
# notebook under Tests/Hostile/ once fixed (byte for byte, its expectation in NAME.expect).
# The growing corpora stay in .build/fuzz/corpus.
# Leak detection is off: a cell can make reference cycles of its own (a local function that
# calls itself, a module holding itself) that live until the process ends; the runner releases
# everything else when a run is over.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
harnesses=${2:-FuzzReader FuzzLanguage FuzzNotebook}
scratch=.build/fuzz
bin=$scratch/x86_64-unknown-linux-gnu/release

for h in $harnesses; do
    RUNBOOK_FUZZ=1 swift build -c release --product "$h" --scratch-path "$scratch" \
        -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld \
        2>&1 | grep -v "Cannot export local symbol" || true
    test -x "$bin/$h" || { echo "fuzz: $h did not build" >&2; exit 1; }
done

# SwiftPM has been seen to drop AddressSanitizer from Swift code silently: make sure every
# module under test really calls into it (and has coverage counters for the fuzzer).
for m in CellLanguage Notebook TensorEngine Plotting; do
    asan=$(nm "$bin/$m.build/"*.o | grep -c "U __asan_" || true)
    cov=$(nm "$bin/$m.build/"*.o | grep -c "__sanitizer_cov" || true)
    if [ "$asan" -eq 0 ] || [ "$cov" -eq 0 ]; then
        echo "fuzz: $m is not instrumented (asan $asan, coverage $cov symbols)" >&2
        exit 1
    fi
    echo "fuzz: $m instrumented (asan $asan, coverage $cov symbols)"
done

mkdir -p Fuzz/findings
for h in $harnesses; do
    corpus=$scratch/corpus/$h
    mkdir -p "$corpus"
    # Seeds: the notebooks, hostile notebooks and every cell-language case.
    case $h in
    FuzzReader) seeds=(Notebooks/*.md Tests/Hostile/*.md) ;;
    FuzzLanguage) seeds=(Tests/CellLanguageTests/Cases/*.swift Tests/NotebookTests/Cases/*.swift Tests/NotebookTests/Corpus/*.swift) ;;
    # Not the hostile notebooks here: under AddressSanitizer their long renders and products
    # outlast any timeout (they are run as real processes by the hostile suite instead).
    *) seeds=(Tests/CellLanguageTests/Cases/*.swift Tests/NotebookTests/Cases/*.swift Tests/NotebookTests/Corpus/*.swift) ;;
    esac
    for f in "${seeds[@]}"; do [ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$f")"; done
    echo "fuzz: $h for $seconds s"
    # Whole notebooks run in fork mode: a run the watchdog gives up keeps its thread (and memory)
    # until the process ends, so each child process is short-lived, and running out of memory
    # is not a finding there (the hostile suite tests the memory budget).
    mode=()
    [ "$h" = FuzzNotebook ] && mode=(-fork=1 -ignore_ooms=1 -timeout=60)
    ASAN_OPTIONS=detect_leaks=0 "$bin/$h" "$corpus" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -detect_leaks=0 -max_len=4096 \
        -dict=Fuzz/cells.dict -artifact_prefix="Fuzz/findings/$h-" -print_final_stats=1 "${mode[@]}" 2>&1 |
        grep -E "^(#[0-9]+.*(DONE|pulse|oom/timeout/crash)|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" || true
done
found=$(ls Fuzz/findings 2>/dev/null | wc -l)
echo "fuzz: $found finding(s) in Fuzz/findings"
[ "$found" -eq 0 ]
