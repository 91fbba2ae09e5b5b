"""RNN, LSTM, GRU and their cells: PyTorch's parameters, shapes, gate formulas and errors;
float64 gradient checks to second order; agreement with PyTorch when it is installed."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import nn

from .conftest import host


def _sig(x):
    return 1 / (1 + np.exp(-x))


def test_cells_follow_the_gate_equations(device):
    rng = np.random.default_rng(0)
    x, h, c = (rng.standard_normal((2, k)) for k in (3, 4, 4))
    rnn = nn.RNNCell(3, 4).double().to(device)
    w = {n: host(p) for n, p in rnn.named_parameters()}
    got = rnn(torch.tensor(x, device=device), torch.tensor(h, device=device))
    want = np.tanh(x @ w["weight_ih"].T + w["bias_ih"] + h @ w["weight_hh"].T + w["bias_hh"])
    np.testing.assert_allclose(host(got), want, rtol=1e-12)

    lstm = nn.LSTMCell(3, 4).double().to(device)
    w = {n: host(p) for n, p in lstm.named_parameters()}
    gates = x @ w["weight_ih"].T + w["bias_ih"] + h @ w["weight_hh"].T + w["bias_hh"]
    i, f, g, o = np.split(gates, 4, axis=1)  # PyTorch's order: input, forget, cell, output
    c_new = _sig(f) * c + _sig(i) * np.tanh(g)
    h_new, c_got = lstm(torch.tensor(x, device=device), (torch.tensor(h, device=device),
                                                         torch.tensor(c, device=device)))
    np.testing.assert_allclose(host(c_got), c_new, rtol=1e-12)
    np.testing.assert_allclose(host(h_new), _sig(o) * np.tanh(c_new), rtol=1e-12)

    gru = nn.GRUCell(3, 4).double().to(device)
    w = {n: host(p) for n, p in gru.named_parameters()}
    gi = x @ w["weight_ih"].T + w["bias_ih"]
    gh = h @ w["weight_hh"].T + w["bias_hh"]
    r = _sig(gi[:, :4] + gh[:, :4])
    z = _sig(gi[:, 4:8] + gh[:, 4:8])
    n = np.tanh(gi[:, 8:] + r * gh[:, 8:])
    got = gru(torch.tensor(x, device=device), torch.tensor(h, device=device))
    np.testing.assert_allclose(host(got), (1 - z) * n + z * h, rtol=1e-12)


def test_layer_shapes_names_and_init(device):
    lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True, bidirectional=True).to(device)
    names = [n for n, _ in lstm.named_parameters()]
    assert names[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert "weight_ih_l1_reverse" in names and lstm.weight_ih_l1.shape == (20, 10)
    bound = 1 / np.sqrt(5)
    assert all(np.abs(host(p)).max() <= bound for p in lstm.parameters())
    out, (h, c) = lstm(torch.randn(2, 7, 3, device=device))
    assert out.shape == (2, 7, 10) and h.shape == c.shape == (4, 2, 5)
    out, h = nn.GRU(3, 5)(torch.randn(7, 3))  # unbatched
    assert out.shape == (7, 5) and h.shape == (1, 5)
    assert repr(lstm) == "LSTM(3, 5, num_layers=2, batch_first=True, bidirectional=True)"
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        nn.RNN(4, 2)(torch.ones(3, 1, 3))
    with pytest.raises(RuntimeError, match="Expected hidden size \\(1, 1, 2\\), got \\[1, 2, 2\\]"):
        nn.RNN(3, 2)(torch.ones(3, 1, 3), torch.zeros(1, 2, 2))


def test_last_output_is_the_final_state_and_reverse_runs_backwards():
    torch.manual_seed(0)
    lstm = nn.LSTM(2, 3, bidirectional=True).double()
    x = torch.randn(6, 1, 2, dtype=torch.float64)
    out, (h, _) = lstm(x)
    np.testing.assert_allclose(host(out[-1, :, :3]), host(h[0]), rtol=1e-12)
    np.testing.assert_allclose(host(out[0, :, 3:]), host(h[1]), rtol=1e-12)
    # the reverse direction reads the sequence backwards: reversing the input reverses it
    rev_out, _ = lstm(x.flip(0))
    forward_only = nn.LSTM(2, 3).double()
    forward_only.load_state_dict({k.replace("_reverse", ""): v for k, v in
                                  lstm.state_dict().items() if "reverse" in k})
    np.testing.assert_allclose(host(forward_only(x.flip(0))[0]), host(out[:, :, 3:].flip(0)),
                               rtol=1e-12)
    assert rev_out.shape == out.shape


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_gradients_to_second_order(kind):
    torch.manual_seed(1)
    layer = getattr(nn, kind)(2, 3, num_layers=2).double()
    x = torch.randn(4, 1, 2, dtype=torch.float64, requires_grad=True)
    w = layer.weight_hh_l0
    assert torch.autograd.gradcheck(lambda inp: layer(inp)[0], (x,))
    assert torch.autograd.gradgradcheck(lambda inp: layer(inp)[0], (x,))
    out = layer(x)[0].sum()
    (gw,) = torch.autograd.grad(out, (w,))
    assert gw.shape == w.shape and float(gw.abs().sum()) > 0


def test_lstm_learns_to_sum_a_sequence():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    lstm, head = nn.LSTM(1, 8, batch_first=True), nn.Linear(8, 1)
    opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=0.03)
    x = rng.uniform(-1, 1, (64, 5, 1)).astype(np.float32)
    y = x.sum(1)
    first = None
    for _ in range(150):
        opt.zero_grad()
        out, _ = lstm(torch.tensor(x))
        loss = nn.functional.mse_loss(head(out[:, -1]), torch.tensor(y))
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    assert loss.item() < 0.1 * first


SPECS = ["LSTM(3, 4)", "LSTM(3, 4, 2, batch_first=True, bidirectional=True)", "GRU(3, 4, 2)",
         "GRU(3, 4, bidirectional=True, bias=False)", "RNN(3, 4)",
         "RNN(3, 4, 2, nonlinearity='relu', batch_first=True)", "LSTMCell(3, 4)", "GRUCell(3, 4)",
         "RNNCell(3, 4, nonlinearity='relu')"]


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("batched", [True, False])
def test_matches_pytorch(spec, batched):
    T = pytest.importorskip("torch")
    theirs, ours = eval(f"T.nn.{spec}").double(), eval(f"nn.{spec}").double()
    assert repr(ours) == repr(theirs)
    ours.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in
                          theirs.state_dict().items()})
    cell = "Cell" in spec
    shape = ((2, 3) if batched else (3,)) if cell else ((5, 2, 3) if batched else (5, 3))
    x = np.random.default_rng(2).standard_normal(shape)

    def flat(o):
        return [v for part in o for v in flat(part)] if isinstance(o, tuple) else [o]

    results = []
    for lib, module in ((T, theirs), (torch, ours)):
        inp = lib.tensor(x, requires_grad=True)
        outs = flat(module(inp))
        sum((o * (k + 1.0)).sum() for k, o in enumerate(outs)).backward()
        results.append([o.detach().numpy() for o in outs] + [inp.grad.numpy()] +
                       [p.grad.numpy() for p in module.parameters()])
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)


def test_pad_and_pack_round_trip(device):
    from autograd_gpu.nn.utils import rnn as R

    seqs = [torch.arange(float(n), device=device).unsqueeze(1) + 10 * i
            for i, n in enumerate((2, 4, 3))]
    padded = R.pad_sequence(seqs, batch_first=True, padding_value=-1.0)
    assert tuple(padded.shape) == (3, 4, 1) and host(padded)[0, 2:, 0].tolist() == [-1, -1]
    left = R.pad_sequence(seqs, batch_first=True, padding_side="left")
    assert host(left)[0, :, 0].tolist() == [0, 0, 0, 1]
    packed = R.pack_sequence(seqs, enforce_sorted=False)
    assert host(packed.batch_sizes).tolist() == [3, 3, 2, 1]
    assert host(packed.sorted_indices).tolist() == [1, 2, 0]
    assert host(packed.data[:3, 0]).tolist() == [10.0, 20.0, 0.0]  # step 0, longest first
    back, lengths = R.pad_packed_sequence(packed, batch_first=True, total_length=6)
    assert tuple(back.shape) == (3, 6, 1) and host(lengths).tolist() == [2, 4, 3]
    for s, u in zip(seqs, R.unpack_sequence(packed)):
        np.testing.assert_array_equal(host(u), host(s))
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        R.pack_padded_sequence(padded, [2, 4, 3], batch_first=True)
    with pytest.raises(RuntimeError, match="larger than or equal to the largest length 5"):
        R.pack_padded_sequence(padded, [5, 4, 3], batch_first=True, enforce_sorted=False)


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_packed_input_equals_each_sequence_alone(device, cls):
    """A packed batch gives each sequence exactly what running it alone gives."""
    from autograd_gpu.nn.utils import rnn as R

    torch.manual_seed(0)
    layer = getattr(nn, cls)(2, 3, num_layers=2, bidirectional=True).double().to(device)
    rng = np.random.default_rng(0)
    lengths = [3, 5, 1]
    seqs = [torch.tensor(rng.standard_normal((n, 2)), device=device, requires_grad=True)
            for n in lengths]
    packed = R.pack_sequence(seqs, enforce_sorted=False)
    out, state = layer(packed)
    padded, _ = R.pad_packed_sequence(out)
    h_n = state[0] if cls == "LSTM" else state
    for b, s in enumerate(seqs):
        alone, alone_state = layer(s.unsqueeze(1))
        alone_h = alone_state[0] if cls == "LSTM" else alone_state
        np.testing.assert_allclose(host(padded[:lengths[b], b]), host(alone[:, 0]), atol=1e-12)
        assert np.all(host(padded[lengths[b]:, b]) == 0)
        np.testing.assert_allclose(host(h_n[:, b]), host(alone_h[:, 0]), atol=1e-12)
    (padded.sum() + h_n.sum()).backward()
    grads = [host(s.grad).copy() for s in seqs]
    for b, s in enumerate(seqs):
        s.grad = None
        alone, alone_state = layer(s.unsqueeze(1))
        alone_h = alone_state[0] if cls == "LSTM" else alone_state
        (alone.sum() + alone_h.sum()).backward()
        np.testing.assert_allclose(grads[b], host(s.grad), atol=1e-12)


def test_total_norm_and_clipping_with_it(device):
    ps = [nn.Parameter(torch.ones(2, device=device)), nn.Parameter(torch.ones(3, device=device))]
    (ps[0].sum() * 3 + (ps[1] * 4).sum()).backward()
    total = nn.utils.get_total_norm([p.grad for p in ps])
    assert total.item() == pytest.approx(np.sqrt(2 * 9 + 3 * 16))
    nn.utils.clip_grads_with_norm_(ps, 1.0, total)
    clipped = np.sqrt(sum((host(p.grad) ** 2).sum() for p in ps))
    assert clipped == pytest.approx(1.0, rel=1e-5)
    with pytest.warns(FutureWarning, match="clip_grad_norm_"):
        nn.utils.clip_grad_norm(ps, 10.0)


def test_lstm_with_projection_shapes_and_gradients():
    m = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2).double()
    assert m.weight_hh_l0.shape == (20, 2) and m.weight_hr_l1_reverse.shape == (2, 5)
    assert m.weight_ih_l1.shape == (20, 4) and repr(m).endswith("proj_size=2)")
    x = torch.linspace(-1, 1, 18, dtype=torch.float64).reshape(3, 2, 3).requires_grad_()
    y, (h, c) = m(x)
    assert y.shape == (3, 2, 4) and h.shape == (4, 2, 2) and c.shape == (4, 2, 5)
    assert torch.autograd.gradcheck(lambda a: m(a)[0], (x,))


@pytest.mark.parametrize("kind", ["RNN_TANH", "RNN_RELU", "GRU", "LSTM"])
def test_functional_cells_are_the_module_cells(device, kind):
    """torch.rnn_tanh_cell / rnn_relu_cell / gru_cell / lstm_cell with a cell module's
    weights give its output and gradients."""
    torch.manual_seed(0)
    cell = {"RNN_TANH": nn.RNNCell(4, 5), "RNN_RELU": nn.RNNCell(4, 5, nonlinearity="relu"),
            "GRU": nn.GRUCell(4, 5), "LSTM": nn.LSTMCell(4, 5)}[kind].double().to(device)
    fn = {"RNN_TANH": torch.rnn_tanh_cell, "RNN_RELU": torch.rnn_relu_cell,
          "GRU": torch.gru_cell, "LSTM": torch.lstm_cell}[kind]
    x = torch.linspace(-1, 1, 12, dtype=torch.float64, device=device).reshape(3, 4)
    h = torch.linspace(-0.5, 0.5, 15, dtype=torch.float64, device=device).reshape(3, 5)
    hx = (h, h.flip(1)) if kind == "LSTM" else h
    want = cell(x, hx)
    got = fn(x, hx, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    for a, b in zip(got if kind == "LSTM" else (got,), want if kind == "LSTM" else (want,)):
        np.testing.assert_allclose(host(a), host(b), rtol=1e-12)
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 4 expected 3"):
        fn(x, hx, cell.weight_ih[:, :3], cell.weight_hh)
