#!/usr/bin/env bash
# callgrind instructions per step of a workload at a commit: (total(8 steps) - total(2)) / 6,
# single-threaded BLAS, a fixed hash seed and address randomisation off (without setarch -R
# the same commit moved by up to 2% between runs: id-hashed sets follow the addresses).
# Usage: bench/callgrind.sh COMMIT WORKLOAD   (run old and new in the same batch)
set -euo pipefail
commit=$1 workload=$2
repo=$(git rev-parse --show-toplevel)
py=${PYTHON:-$(python -c 'import sys; print(sys.executable)')}  # (the interpreter, not a shim)
tree=/tmp/callgrind-$commit
[ -d "$tree" ] || { mkdir -p "$tree" && git -C "$repo" archive "$commit" | tar -x -C "$tree"; }
count() {
  setarch "$(uname -m)" -R env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 PYTHONHASHSEED=0 \
      valgrind --tool=callgrind --callgrind-out-file=/dev/null "$py" \
      "$repo/bench/callgrind_step.py" "$tree" "$workload" "$1" 2>&1 |
      grep -o "Collected : [0-9]*" | grep -o "[0-9]*"
}
two=$(count 2)
eight=$(count 8)
python -c "print('$commit $workload', round(($eight - $two) / 6 / 1e6, 4), 'M per step')"
