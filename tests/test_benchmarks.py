"""The benchmark workloads are honest: each NumPy floor computes the gradients autograd_gpu
computes (so it is a fair floor), and the size sweep runs at its smallest size."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as ag
from autograd_gpu import benchmarks as B

from .conftest import host


@pytest.mark.parametrize("name", sorted(B.WORKLOADS))
def test_floor_gradients_equal_autograd(name):
    make, floor = B.WORKLOADS[name]
    ours = make(ag, "cpu")()
    ref = floor()()
    assert len(ours) == len(ref)
    for g, r in zip(ours, ref):
        np.testing.assert_allclose(host(g), r, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", sorted(B.WORKLOADS))
def test_workload_steps_train(name, device):
    step = B.WORKLOADS[name][0](ag, device)
    first = [host(g).copy() for g in step()]
    second = [host(g) for g in step()]
    if name != "op_overhead":  # an SGD step changed the weights, so the gradients changed
        assert any(not np.allclose(a, b) for a, b in zip(first, second))


@pytest.mark.parametrize("sweep", sorted(B.SWEEPS))
def test_sweeps_run(sweep, device):
    B.SWEEPS[sweep](ag, device, B.SIZES[0])()


def test_bench_command_writes_table_and_json(tmp_path, capsys, monkeypatch):
    import json

    from autograd_gpu import cli

    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    path = tmp_path / "bench.json"
    assert cli.main(["bench", "--quick", "--device", "cpu", "--workloads", "toy_mlp_step",
                     "size_sweep", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "toy_mlp_step" in out and "numpy-floor" in out and "size sweep" in out
    report = json.loads(path.read_text())
    assert report["machine"]["cores"] >= 1 and report["machine"]["numpy"]
    rows = {r["lib"]: r for r in report["results"]}
    assert rows["autograd_gpu"]["median_s"] > 0 and rows["autograd_gpu"]["vs_floor"] > 0
    assert {s["kind"] for s in report["sweep"]} == {"elementwise", "matmul"}


def test_bench_warns_about_forced_openblas_kernel(monkeypatch):
    from autograd_gpu import bench_cli

    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert "OPENBLAS_CORETYPE=Haswell" in bench_cli.openblas_warning()
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    assert bench_cli.openblas_warning() is None


def test_crossover_is_the_first_size_where_the_gpu_wins():
    from autograd_gpu.bench_cli import crossover

    sweep = [dict(kind="matmul", n=n, device=d, lib="autograd_gpu", median_s=t)
             for n, d, t in [(16, "cpu", 1.0), (16, "cuda", 2.0), (256, "cpu", 3.0),
                             (256, "cuda", 2.5), (4096, "cpu", 9.0), (4096, "cuda", 3.0)]]
    assert crossover(sweep)["matmul"] == 256 and crossover(sweep)["elementwise"] is None


def test_paired_timing_cancels_the_machine_slowing_down(monkeypatch):
    """Alternating blocks: a machine whose speed changes between block pairs (a shared host)
    moves both libraries' times, and each pair's ratio not at all."""
    from autograd_gpu import bench_cli

    clock, steps, speeds = [0.0], [0], [1.0, 4.0, 2.0, 7.0, 1.5, 3.0]
    monkeypatch.setattr(bench_cli.time, "perf_counter", lambda: clock[0])

    def costs(units):
        def step():  # (the 6 warm-up steps, then one step of a and one of b per phase)
            clock[0] += units * speeds[(steps[0] // 2) % len(speeds)]
            steps[0] += 1
        return step

    times = []
    out = bench_cli.paired(costs(3.0), costs(2.0), lambda: times.append(clock[0]),
                           lambda: None, blocks=12, per_block=1)
    assert out["blocks"] == 12 and out["per_block"] == 1
    assert out["ratio"] == out["ratio_q1"] == out["ratio_q3"] == pytest.approx(1.5)
    spans = np.diff([0.0] + times)
    assert spans.max() / spans.min() > 4  # the times themselves moved by more than 4x
    # the unpaired medians would give 3 * median(speeds) / (2 * another phase's speed)
    assert out["a_median_s"] == pytest.approx(3.0 * np.median(speeds * 2))


def test_bench_paired_needs_torch_rows(capsys):
    from autograd_gpu import cli

    with pytest.raises(SystemExit, match="--vs-torch"):
        cli.main(["bench", "--quick", "--device", "cpu", "--workloads", "toy_mlp_step",
                  "--paired"])


def test_bench_paired_reports_ratio_with_pytorch(tmp_path, capsys, monkeypatch):
    import json

    pytest.importorskip("torch")
    from autograd_gpu import cli

    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    path = tmp_path / "bench.json"
    assert cli.main(["bench", "--quick", "--device", "cpu", "--workloads", "op_overhead",
                     "--vs-torch", "--paired", "--json", str(path)]) == 0
    assert "alternating blocks" in capsys.readouterr().out
    (pair,) = json.loads(path.read_text())["paired"]
    assert pair["workload"] == "op_overhead" and pair["device"] == "cpu"
    assert pair["ratio_q1"] <= pair["ratio"] <= pair["ratio_q3"] and pair["ratio"] > 0
