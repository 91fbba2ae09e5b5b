#!/usr/bin/env bash
# The GPU check, in one call on a machine with a GPU and no network: the whole test suite with
# the cuda device enabled, then the benchmarks on cpu and cuda (PyTorch as the reference row
# when it is installed). Writes a Markdown report to $OUT (or bench/results/) to be committed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
out_dir="${OUT:-bench/results}"
mkdir -p "$out_dir"
stamp="$(date -u +%Y-%m-%d)"
report="$out_dir/gpu-check-$stamp.md"
python - > "$report.head" <<'PY'
import platform
import numpy
import autograd_gpu as ag
print("# GPU check\n")
print(f"- date (UTC): {__import__('datetime').datetime.utcnow():%Y-%m-%d %H:%M}")
print(f"- host: {platform.node()}, Python {platform.python_version()}, NumPy {numpy.__version__}")
try:
    import cupy
    rt = cupy.cuda.runtime
    print(f"- CuPy {cupy.__version__}, CUDA runtime {rt.runtimeGetVersion()}, "
          f"driver {rt.driverGetVersion()}")
    print(f"- GPU: {ag.cuda.get_device_name(0)} ({ag.cuda.device_count()} device(s))")
except Exception as exc:  # the report says so rather than failing
    print(f"- CuPy/GPU unavailable: {exc}")
try:
    import torch
    print(f"- PyTorch {torch.__version__} (CUDA {torch.version.cuda})")
except ImportError:
    print("- PyTorch not installed")
PY
# Device time is short: the tests spread over the cores when pytest-xdist is there, each test
# and each stage has a time limit, and every log goes to $OUT as it is written. GPU_CHECK_TESTS
# narrows the tests (a rerun of failures); GPU_CHECK_BENCH=0 leaves the benchmarks out;
# GPU_CHECK_STAGES picks stages (default "tests bench fused sweep paired profile"), e.g.
# GPU_CHECK_STAGES="tests paired" for a short call on another card.
stages=" ${GPU_CHECK_STAGES:-tests bench fused sweep paired profile} "
[ "${GPU_CHECK_BENCH:-1}" = 0 ] && stages=" tests "
stage() { [[ "$stages" == *" $1 "* ]]; }
parallel=()
python -c "import xdist" 2>/dev/null && parallel=(-n "${GPU_CHECK_WORKERS:-8}")
timeout_opt=()
python -c "import pytest_timeout" 2>/dev/null && timeout_opt=(--timeout=120)
tests_rc=0
if stage tests; then
  # shellcheck disable=SC2086
  timeout "${GPU_CHECK_TEST_S:-300}" python -m pytest ${GPU_CHECK_TESTS:-tests} -q -rfE \
      -p no:cacheprovider "${parallel[@]}" "${timeout_opt[@]}" > "$out_dir/tests.log" 2>&1
  tests_rc=$?
fi
bench_rc=0
fused_rc=0
if stage bench; then
  bench_opts=(-q -p no:cacheprovider --benchmark-columns=min,median,iqr,max
              --benchmark-max-time=0.25 --benchmark-min-rounds=3)
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE timeout "${GPU_CHECK_BENCH_S:-120}" \
      python -m pytest bench "${bench_opts[@]}" --benchmark-json="$out_dir/bench.json" \
      > "$out_dir/bench.log" 2>&1
  bench_rc=$?
fi
if stage fused; then
  # the CUDA workloads again with the fused kernels on (backends/cuda_kernels.py)
  AUTOGRAD_GPU_FUSED_KERNELS=1 timeout 45 python -m pytest bench "${bench_opts[@]}" \
      -k "cuda and not size_sweep and not train_epoch" \
      --benchmark-json="$out_dir/bench-fused.json" > "$out_dir/bench-fused.log" 2>&1
  fused_rc=$?
fi
# the size sweep on both devices, every size: where the GPU starts to beat the NumPy backend
sweep_rc=0
if stage sweep; then
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE timeout 90 python -m autograd_gpu bench \
      --workloads size_sweep --json "$out_dir/sweep.json" > "$out_dir/sweep.log" 2>&1
  sweep_rc=$?
fi
# the issue's ratios again, autograd_gpu and PyTorch timed in alternating blocks (a shared
# host's slow phases then move both), without and with the fused kernels
paired_rc=0
if stage paired; then
  for mode in plain fused; do
    AUTOGRAD_GPU_FUSED_KERNELS=$([ $mode = fused ] && echo 1 || echo 0) timeout 90 \
        python -m autograd_gpu bench --device cuda --vs-torch --paired --workloads \
        op_overhead toy_mlp_step mlp_step conv_step --json "$out_dir/paired-$mode.json" \
        > "$out_dir/paired-$mode.log" 2>&1 || paired_rc=1
  done
fi
# where the host time of a CUDA step goes (cProfile), for the next speed-up
if stage profile; then
  timeout 60 python bench/gpu_profile.py > "$out_dir/profile.txt" 2>&1
  echo "# again with AUTOGRAD_GPU_FUSED_KERNELS=1" >> "$out_dir/profile.txt"
  AUTOGRAD_GPU_FUSED_KERNELS=1 timeout 60 python bench/gpu_profile.py >> "$out_dir/profile.txt" \
      2>&1
fi
{
  cat "$report.head"
  echo
  echo "## Tests (exit $tests_rc)"
  echo '```'
  grep -E '^(FAILED|ERROR)' "$out_dir/tests.log" 2>/dev/null | head -n 60
  tail -n 3 "$out_dir/tests.log" 2>/dev/null
  echo '```'
  echo
  echo "## Benchmarks (exit $bench_rc)"
  echo '```'
  grep -v "^$" "$out_dir/bench.log" 2>/dev/null | tail -n 60
  echo '```'
  echo
  echo "## CUDA benchmarks with AUTOGRAD_GPU_FUSED_KERNELS=1 (exit $fused_rc)"
  echo '```'
  grep -v "^$" "$out_dir/bench-fused.log" 2>/dev/null | tail -n 30
  echo '```'
  echo
  echo "## Size sweep, every size (exit $sweep_rc)"
  echo '```'
  grep -E "^  (elementwise|matmul)" "$out_dir/sweep.log" 2>/dev/null
  echo '```'
  echo
  echo "## autograd_gpu / PyTorch in alternating blocks (exit $paired_rc)"
  for mode in plain fused; do
    echo "$mode (AUTOGRAD_GPU_FUSED_KERNELS=$([ $mode = fused ] && echo 1 || echo 0)):"
    echo '```'
    sed -n '/alternating blocks/,$p' "$out_dir/paired-$mode.log" 2>/dev/null
    echo '```'
  done
} > "$report"
# (the logs are in the report now; fewer files to fetch from a device machine)
rm -f "$report.head" "$out_dir"/{bench,bench-fused,sweep,paired-plain,paired-fused}.log
cat "$report"
exit $(( tests_rc != 0 || bench_rc != 0 || fused_rc != 0 || sweep_rc != 0 || paired_rc != 0 ))
