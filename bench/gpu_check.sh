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
python -m pytest tests -q -p no:cacheprovider > "$out_dir/tests.log" 2>&1
tests_rc=$?
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest bench -q -p no:cacheprovider \
    --benchmark-columns=min,median,iqr,max --benchmark-json="$out_dir/bench.json" \
    > "$out_dir/bench.log" 2>&1
bench_rc=$?
# the CUDA workloads again with the fused kernels on (backends/cuda_kernels.py)
AUTOGRAD_GPU_FUSED_KERNELS=1 python -m pytest bench -q -p no:cacheprovider \
    -k "cuda and not size_sweep and not train_epoch" \
    --benchmark-columns=min,median,iqr,max --benchmark-json="$out_dir/bench-fused.json" \
    > "$out_dir/bench-fused.log" 2>&1
fused_rc=$?
{
  cat "$report.head"
  echo
  echo "## Tests (exit $tests_rc)"
  echo '```'
  tail -n 25 "$out_dir/tests.log"
  echo '```'
  echo
  echo "## Benchmarks (exit $bench_rc)"
  echo '```'
  grep -v '^$' "$out_dir/bench.log" | tail -n 60
  echo '```'
  echo
  echo "## CUDA benchmarks with AUTOGRAD_GPU_FUSED_KERNELS=1 (exit $fused_rc)"
  echo '```'
  grep -v '^$' "$out_dir/bench-fused.log" | tail -n 30
  echo '```'
} > "$report"
rm -f "$report.head"
cat "$report"
exit $(( tests_rc != 0 || bench_rc != 0 || fused_rc != 0 ))
