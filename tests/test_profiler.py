"""torch.profiler / torch.autograd.profiler: events name the ops called, their times nest,
the table and Chrome trace come out, and a schedule records only its active steps."""
from __future__ import annotations

import json

import autograd_gpu as torch
from autograd_gpu import profiler


def test_profile_names_ops_backward_nodes_and_ranges(tmp_path, device):
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    model.to(device)
    x = torch.ones(16, 4, device=device)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU],
                                record_shapes=True) as prof:
        with torch.profiler.record_function("model_inference"):
            y = model(x)
        loss = torch.nn.functional.cross_entropy(y, torch.zeros(16, dtype=torch.long,
                                                                device=device))
        loss.backward()
        torch.mul(x, 2).exp()
    names = [e.name for e in prof.events()]
    for expected in ("model_inference", "nn.Module: Sequential", "aten::cross_entropy",
                     "aten::backward", "aten::mul", "aten::exp",
                     "autograd::engine::evaluate_function: AddmmBackward0"):
        assert expected in names, (expected, names)
    by_name = {e.name: e for e in prof.events()}
    inference = by_name["model_inference"]
    assert inference.cpu_time_total >= by_name["nn.Module: Sequential"].cpu_time_total > 0
    assert inference.self_cpu_time_total <= inference.cpu_time_total
    assert by_name["aten::mul"].input_shapes[0] == [16, 4]
    averages = prof.key_averages()
    counts = {a.key: a.count for a in averages}
    assert counts["autograd::engine::evaluate_function: AddmmBackward0"] == 2
    table = averages.table(sort_by="cpu_time_total", row_limit=5)
    assert "Self CPU %" in table and "# of Calls" in table and "Self CPU time total" in table
    assert len(table.strip().splitlines()) == 5 + 5  # header lines + 5 rows
    prof.export_chrome_trace(str(tmp_path / "trace.json"))
    trace = json.loads((tmp_path / "trace.json").read_text())["traceEvents"]
    assert {e["name"] for e in trace} == set(names) and all(e["dur"] >= 0 for e in trace)


def test_schedule_records_only_active_steps_and_hands_over_traces():
    traces = []
    sched = torch.profiler.schedule(wait=1, warmup=1, active=2, repeat=1)
    with torch.profiler.profile(schedule=sched,
                                on_trace_ready=lambda p: traces.append(
                                    [e.name for e in p.events()])) as prof:
        for step in range(6):
            with torch.profiler.record_function(f"step{step}"):
                torch.ones(2) + step
            prof.step()
    assert traces == [["aten::ones", "aten::add", "step2", "aten::ones", "aten::add", "step3"]]


def test_autograd_profiler_spelling_and_disabled_profile():
    from autograd_gpu.autograd.profiler import profile, record_function

    assert profile is profiler.profile and torch.autograd.profiler.record_function is \
        record_function
    with profile(enabled=False) as prof:
        torch.ones(2) * 2
    assert list(prof.events()) == []


def test_data_parallel_wraps_its_module():
    inner = torch.nn.Linear(2, 3)
    dp = torch.nn.DataParallel(inner)
    assert dp.module is inner and list(dp.state_dict()) == ["module.weight", "module.bias"]
    x = torch.ones(4, 2)
    assert torch.equal(dp(x), inner(x))
    assert dp.device_ids == list(range(torch.cuda.device_count()))
