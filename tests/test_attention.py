"""Scaled dot-product attention and nn.MultiheadAttention: the definition written out, second
derivatives, and agreement with PyTorch (values, weights, gradients) when it is installed."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import nn

from .conftest import host, torch_at_reference


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_multihead_attention_is_the_definition(device):
    torch.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2).double().to(device)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 1, 4))  # (L, N, E)
    mask = np.triu(np.ones((3, 3), bool), 1)  # True = may not attend
    out, weights = mha(*(torch.tensor(x, device=device),) * 3,
                       attn_mask=torch.tensor(mask, device=device))
    w, b = host(mha.in_proj_weight), host(mha.in_proj_bias)
    q, k, v = (x[:, 0] @ w[i * 4:(i + 1) * 4].T + b[i * 4:(i + 1) * 4] for i in range(3))
    heads = []
    per_head_weights = []
    for h in range(2):
        sl = slice(2 * h, 2 * h + 2)
        s = q[:, sl] @ k[:, sl].T / np.sqrt(2) + np.where(mask, -np.inf, 0)
        a = _softmax(s)
        per_head_weights.append(a)
        heads.append(a @ v[:, sl])
    want = np.concatenate(heads, 1) @ host(mha.out_proj.weight).T + host(mha.out_proj.bias)
    np.testing.assert_allclose(host(out)[:, 0], want, rtol=1e-10)
    np.testing.assert_allclose(host(weights)[0], np.mean(per_head_weights, 0), rtol=1e-10)
    assert [n for n, _ in mha.named_parameters()] == [
        "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    assert np.all(host(mha.in_proj_bias) == 0) and np.all(host(mha.out_proj.bias) == 0)


def test_attention_second_derivatives():
    torch.manual_seed(1)
    mha = nn.MultiheadAttention(4, 2).double()
    x = torch.randn(3, 2, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda t: mha(t, t, t)[0], (x,))
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(5, 2)


CASES = [("MultiheadAttention(8, 2)", {}, (5, 3, 8)),
         ("MultiheadAttention(8, 4, batch_first=True)", {}, (3, 5, 8)),
         ("MultiheadAttention(8, 2, bias=False)", dict(average_attn_weights=False), (5, 3, 8)),
         ("MultiheadAttention(8, 2)", dict(key_padding_mask="padding"), (5, 3, 8)),
         ("MultiheadAttention(8, 2)", dict(attn_mask="causal"), (5, 3, 8)),
         ("MultiheadAttention(8, 2)", dict(need_weights=False, attn_mask="float"), (5, 3, 8)),
         ("MultiheadAttention(8, 2)", {}, (5, 8))]


@pytest.mark.parametrize("spec,kwargs,shape", CASES)
def test_matches_pytorch(spec, kwargs, shape):
    T = pytest.importorskip("torch")
    theirs, ours = eval(f"T.nn.{spec}").double(), eval(f"nn.{spec}").double()
    assert repr(ours) == repr(theirs)
    ours.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in
                          theirs.state_dict().items()})
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal(shape), rng.standard_normal(shape)
    padding = rng.uniform(0, 1, (3, 5)) > 0.7
    padding[:, 0] = False
    masks = dict(padding=padding, causal=np.triu(np.ones((5, 5), bool), 1),
                 float=rng.standard_normal((5, 5)))
    results = []
    for lib, module in ((T, theirs), (torch, ours)):
        kw = {k: lib.tensor(masks[v]) if isinstance(v, str) else v for k, v in kwargs.items()}
        xt, yt = lib.tensor(x, requires_grad=True), lib.tensor(y, requires_grad=True)
        out, weights = module(xt, yt, yt, **kw)
        (out.sum() + (0 if weights is None else weights.sum() * 0.5)).backward()
        results.append([out.detach().numpy(), None if weights is None else
                        weights.detach().numpy(), xt.grad.numpy(), yt.grad.numpy()] +
                       [p.grad.numpy() for p in module.parameters()])
    for a, b in zip(*results):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)


def test_encoder_layer_is_attention_then_feed_forward(device):
    torch.manual_seed(3)
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0).double().to(device)
    x = torch.randn(3, 2, 4, dtype=torch.float64, device=device)
    attn = layer.self_attn(x, x, x, need_weights=False)[0]
    h = layer.norm1(x + attn)
    want = layer.norm2(h + layer.linear2(nn.functional.relu(layer.linear1(h))))
    np.testing.assert_allclose(host(layer(x)), host(want), rtol=1e-12)
    encoder = nn.TransformerEncoder(layer, 3, norm=nn.LayerNorm(4).double().to(device))
    assert len(encoder.layers) == 3 and encoder.layers[0] is not layer
    assert encoder.layers[1].linear1.weight is not encoder.layers[2].linear1.weight
    assert encoder(x).shape == x.shape
    assert "(0-2): 3 x TransformerEncoderLayer(" in repr(encoder)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")


@pytest.mark.parametrize("spec,shape,mask", [
    ("TransformerEncoderLayer(8, 2, 16, dropout=0.0)", (5, 3, 8), None),
    ("TransformerEncoderLayer(8, 2, 16, 0.0, 'gelu', batch_first=True, norm_first=True)",
     (3, 5, 8), None),
    ("TransformerEncoderLayer(8, 2, 16, dropout=0.0)", (5, 3, 8), "causal"),
    ("TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2, "
     "norm=nn.LayerNorm(8))", (5, 3, 8), "padding")])
@pytest.mark.filterwarnings("ignore")
def test_transformer_matches_pytorch(spec, shape, mask):
    T = pytest.importorskip("torch")
    theirs = eval(f"T.nn.{spec}", {"T": T, "nn": T.nn}).double()
    ours = eval(f"nn.{spec}", {"nn": nn}).double()
    if torch_at_reference(T):  # (older releases print LayerNorm without bias=)
        assert repr(ours) == repr(theirs)
    ours.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in
                          theirs.state_dict().items()})
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape)
    padding = rng.uniform(0, 1, (3, 5)) > 0.7
    padding[:, 0] = False
    results = []
    for lib, module in ((T, theirs), (torch, ours)):
        kw = {}
        if mask == "causal":
            kw["src_mask"] = lib.tensor(np.triu(np.ones((5, 5), bool), 1))
        if mask == "padding":
            kw["src_key_padding_mask"] = lib.tensor(padding)
        xt = lib.tensor(x, requires_grad=True)
        module(xt, **kw).pow(2).sum().backward()
        results.append([xt.grad.numpy()] + [p.grad.numpy() for p in module.parameters()])
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=1e-8, atol=1e-11)


def test_decoder_layer_attends_causally_and_to_memory(device):
    torch.manual_seed(0)
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0).double().to(
        device)
    rng = np.random.default_rng(0)
    tgt = torch.tensor(rng.standard_normal((4, 2, 8)), device=device, requires_grad=True)
    mem = torch.tensor(rng.standard_normal((5, 2, 8)), device=device, requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(4, device=device,
                                                          dtype=torch.float64)
    out = layer(tgt, mem, tgt_mask=mask)
    changed = tgt.detach().clone()
    changed[3] += 1.0  # a later target position cannot change earlier outputs ...
    out2 = layer(changed, mem, tgt_mask=mask)
    np.testing.assert_allclose(host(out2[:3]), host(out[:3]), atol=1e-12)
    assert not np.allclose(host(out2[3]), host(out[3]))
    mem2 = mem.detach().clone()
    mem2[0] += 1.0  # ... but every output reads the memory
    assert not np.allclose(host(layer(tgt, mem2, tgt_mask=mask)[0]), host(out[0]))
    fn = lambda t, m: layer(t, m, tgt_mask=mask)  # noqa: E731
    assert torch.autograd.gradcheck(fn, (tgt, mem))


@pytest.mark.parametrize("norm_first,batch_first", [(False, False), (True, True)])
def test_full_transformer_matches_pytorch(norm_first, batch_first):
    T = pytest.importorskip("torch")
    T.manual_seed(0)
    kw = dict(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
              dim_feedforward=16, dropout=0.0, batch_first=batch_first, norm_first=norm_first)
    ref, ours = T.nn.Transformer(**kw).double(), nn.Transformer(**kw).double()
    assert list(ref.state_dict()) == list(ours.state_dict())
    ours.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ref.state_dict().items()})
    rng = np.random.default_rng(1)
    src, tgt = rng.standard_normal((3, 5, 8)), rng.standard_normal((3, 4, 8))
    if not batch_first:
        src, tgt = src.transpose(1, 0, 2).copy(), tgt.transpose(1, 0, 2).copy()
    pad = np.zeros((3, 5), bool)
    pad[1, 3:] = True
    outs = []
    for lib, model in ((T, ref), (torch, ours)):
        s, t = lib.tensor(src, requires_grad=True), lib.tensor(tgt, requires_grad=True)
        mask = type(model).generate_square_subsequent_mask(4, dtype=lib.float64)
        out = model(s, t, tgt_mask=mask, src_key_padding_mask=lib.tensor(pad),
                    memory_key_padding_mask=lib.tensor(pad))
        (out ** 2).sum().backward()
        outs.append([out.detach().numpy(), s.grad.numpy(), t.grad.numpy()]
                    + [p.grad.numpy() for p in model.parameters()])
    for a, b in zip(*outs):
        np.testing.assert_allclose(b, a, atol=1e-10)
    narrow = [torch.zeros(*((3, n, 4) if batch_first else (n, 3, 4)), dtype=torch.float64)
              for n in (5, 4)]
    with pytest.raises(RuntimeError, match="feature number of src and tgt must be equal"):
        ours(*narrow)


@pytest.mark.parametrize("spec,kwargs", [
    ("MultiheadAttention(8, 2, kdim=3, vdim=5)", {}),
    ("MultiheadAttention(8, 2, kdim=3, vdim=5, batch_first=True)", dict(attn_mask="causal")),
    ("MultiheadAttention(8, 2, add_bias_kv=True)", dict(key_padding_mask="padding")),
    ("MultiheadAttention(8, 4, add_zero_attn=True)", dict(attn_mask="causal")),
    ("MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=5)",
     dict(key_padding_mask="padding", average_attn_weights=False))])
def test_cross_attention_options_match_pytorch(spec, kwargs):
    """Keys and values of other sizes (separate projection weights), learnt bias key/value
    rows and the zero row, against PyTorch: values, weights and every gradient."""
    T = pytest.importorskip("torch")
    theirs, ours = eval(f"T.nn.{spec}").double(), eval(f"nn.{spec}").double()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    ours.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in
                          theirs.state_dict().items()})
    rng = np.random.default_rng(4)
    first = ours.batch_first
    shape = lambda e: (3, 5, e) if first else (5, 3, e)  # noqa: E731
    q, k, v = (rng.standard_normal(shape(e)) for e in (8, ours.kdim, ours.vdim))
    padding = rng.uniform(0, 1, (3, 5)) > 0.6
    padding[:, 0] = False
    masks = dict(padding=padding, causal=np.triu(np.ones((5, 5), bool), 1))
    results = []
    for lib, module in ((T, theirs), (torch, ours)):
        kw = {key: lib.tensor(masks[val]) if isinstance(val, str) else val
              for key, val in kwargs.items()}
        tq, tk, tv = (lib.tensor(a, requires_grad=True) for a in (q, k, v))
        out, weights = module(tq, tk, tv, **kw)
        (out.sum() + weights.sum() * 0.5).backward()
        results.append([out.detach().numpy(), weights.detach().numpy(), tq.grad.numpy(),
                        tk.grad.numpy(), tv.grad.numpy()] +
                       [p.grad.numpy() for p in module.parameters()])
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)


def test_cross_attention_shapes_and_zero_row(device):
    mha = nn.MultiheadAttention(4, 2, kdim=3, vdim=6, add_bias_kv=True,
                                add_zero_attn=True).to(device)
    assert mha.in_proj_weight is None and mha.k_proj_weight.shape == (4, 3)
    assert mha.v_proj_weight.shape == (4, 6) and mha.bias_k.shape == (1, 1, 4)
    q, k, v = (torch.ones(2, 1, e, device=device) for e in (4, 3, 6))
    out, weights = mha(q, k, v)
    assert out.shape == (2, 1, 4) and weights.shape == (1, 2, 2 + 2)  # + bias row + zero row
    np.testing.assert_allclose(host(weights.sum(-1)), 1.0, rtol=1e-6)
