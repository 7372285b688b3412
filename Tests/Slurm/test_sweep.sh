#!/usr/bin/env bash
# `runbook sweep --backend slurm` through a real Slurm (Tests/Slurm/cluster.sh start): the array
# job runs every point, a failing point is reported, and the comparison is byte for byte the one
# the local backend writes for the same sweep. Also --no-wait, then --collect.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runbook=$root/.build/release/runbook
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Notebooks"
cp "$root/Tests/Sweep/fit.md" "$work/Notebooks/"
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
sweep=(sweep Notebooks/fit.md --grid hidden=2,8 --grid activation=relu,swish --seeds 2 --quiet)

status() { set +e; "$@"; echo $? > status; set -e; cat status; }
[ "$(status "$runbook" "${sweep[@]}" --output Local --jobs 2)" = 2 ] || fail "local: a point fails, so exit 2"
[ "$(status "$runbook" "${sweep[@]}" --output Slurm --backend slurm --max-parallel 3 --time 5:00)" = 2 ] \
  || fail "slurm: a point fails, so exit 2"

grep -q '^#SBATCH --array=0-7%3$' Slurm/job.sbatch || fail "job.sbatch: $(cat Slurm/job.sbatch)"
for k in 0 1 2 3 4 5 6 7; do
  grep -q "^Slurm job [0-9]*, array task $k, on " Slurm/logs/$k.txt || fail "point $k did not run as Slurm array task $k"
  for f in index.html outputs.txt point.json; do
    cmp -s Local/points/$k/$f Slurm/points/$k/$f || fail "points/$k/$f differs between the backends"
  done
done
for f in manifest.json index.html summary.csv summary.md curve-1.png; do
  cmp -s Local/$f Slurm/$f || fail "$f differs between the local and the Slurm backend"
done
grep -q '^2,swish,0,,,,,failed$' Slurm/summary.csv || fail "the failing points: $(cat Slurm/summary.csv)"
grep -q 'index 2 is out of range' Slurm/logs/2.txt || fail "the failing point's log"

# --no-wait returns the job id at once; --collect writes the same comparison afterwards.
job=$("$runbook" "${sweep[@]}" --output Later --backend slurm --no-wait)
[[ "$job" =~ ^[0-9]+$ ]] || fail "--no-wait printed '$job', not a job id"
for _ in $(seq 1 120); do squeue -h -j "$job" 2>/dev/null | grep -q . || break; sleep 1; done
[ "$(status "$runbook" sweep --collect Later --quiet)" = 2 ] || fail "--collect: a point fails, so exit 2"
for f in index.html summary.csv summary.md curve-1.png; do
  cmp -s Local/$f Later/$f || fail "--collect: $f differs from the local backend's"
done
echo "slurm sweep: ok (array job, failing point, comparison identical to the local backend's, --no-wait + --collect)"
