"""Data loading, bundled datasets, saving/loading checkpoints, interop and the command."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import cli
from autograd_gpu.utils.data import DataLoader, Dataset, TensorDataset

from .conftest import host


def test_dataloader_batches_shuffle_and_drop_last():
    ds = TensorDataset(torch.arange(10.0).reshape(10, 1), torch.arange(10))
    batches = list(DataLoader(ds, batch_size=4))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert len(DataLoader(ds, batch_size=4, drop_last=True)) == 2
    order = lambda seed: [y.tolist() for _, y in DataLoader(  # noqa: E731
        ds, batch_size=5, shuffle=True, generator=torch.Generator().manual_seed(seed))]
    assert order(1) == order(1) and order(1) != order(2)
    assert sorted(sum(order(1), [])) == list(range(10))


def test_dataloader_collates_python_datasets():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return torch.tensor([float(i)]), i * i

    x, y = next(iter(DataLoader(Squares(), batch_size=3)))
    assert x.shape == (3, 1) and y.tolist() == [0, 1, 4] and y.dtype == torch.int64


def test_datasets():
    train, test = torch.datasets.digits()
    assert (len(train), len(test)) == (1437, 360)
    x, y = train[0]
    assert x.shape == (1, 8, 8) and x.dtype == torch.float32 and 0 <= x.min().item()
    assert x.max().item() <= 1 and y.dtype == torch.int64
    flat, _ = torch.datasets.digits(flatten=True)
    assert flat[0][0].shape == (64,)
    labels = host(train.tensors[1])
    assert set(np.unique(labels)) == set(range(10))
    a, _ = torch.datasets.spirals(seed=3)
    b, _ = torch.datasets.spirals(seed=3)
    assert host(a.tensors[0]).tolist() == host(b.tensors[0]).tolist()
    m, mt = torch.datasets.moons(n_samples=100)
    assert len(m) + len(mt) == 100 and m.tensors[0].shape[1] == 2


def test_save_load_roundtrip(tmp_path, device):
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2)).to(device)
    opt = torch.optim.Adam(model.parameters())
    model(torch.randn(4, 3, device=device)).sum().backward()
    opt.step()
    ck = {"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 7,
          "meta": ("a", 1.5, None, [True, 2])}
    torch.save(ck, tmp_path / "ck.npz")
    back = torch.load(tmp_path / "ck.npz", map_location="cpu")
    assert back["epoch"] == 7 and back["meta"] == ("a", 1.5, None, [True, 2])
    for k, v in model.state_dict().items():
        assert back["model"][k].device.type == "cpu"
        np.testing.assert_array_equal(host(back["model"][k]), host(v))
    assert set(back["opt"]["state"]) == {0, 1, 2, 3}
    twin = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    twin.load_state_dict(back["model"])
    buf = io.BytesIO()
    torch.save({"x": torch.arange(3)}, buf)
    buf.seek(0)
    assert torch.load(buf)["x"].tolist() == [0, 1, 2]


def test_load_rejects_truncated_and_foreign_files(tmp_path):
    good = tmp_path / "good.npz"
    torch.save({"w": torch.ones(100)}, good)
    (tmp_path / "cut.npz").write_bytes(good.read_bytes()[:200])
    with pytest.raises(RuntimeError, match="not an autograd_gpu checkpoint, or a truncated"):
        torch.load(tmp_path / "cut.npz")
    np.savez(tmp_path / "foreign.npz", a=np.zeros(2))
    with pytest.raises(RuntimeError, match="no manifest"):
        torch.load(tmp_path / "foreign.npz")
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(RuntimeError, match="not an autograd_gpu checkpoint"):
        torch.load(tmp_path / "obj.npy")  # never unpickled
    with pytest.raises(TypeError, match="can store tensors"):
        torch.save({"f": lambda: 0}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match=r"got Linear\. Save its state_dict\(\) instead"):
        torch.save(torch.nn.Linear(2, 2), tmp_path / "model.pth")  # (PyTorch pickles it)
    assert not (tmp_path / "model.pth").exists()  # nothing half-written


def test_numpy_interop_shares_memory():
    a = np.zeros(3, np.float32)
    t = torch.from_numpy(a)
    t.add_(1)
    assert a.tolist() == [1.0, 1.0, 1.0] and t.numpy() is a
    d = torch.from_dlpack(a)
    d[0] = 5.0
    assert a[0] == 5.0
    back = np.from_dlpack(t)
    assert back[0] == 5.0
    assert np.asarray(torch.tensor([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert np.add(torch.tensor([1.0]), 1).tolist() == [2.0]


def test_dlpack_with_pytorch():
    T = pytest.importorskip("torch")
    src = T.arange(4.0)
    mine = torch.from_dlpack(src)
    mine[1] = 7.0
    assert src[1].item() == 7.0
    assert T.from_dlpack(torch.arange(3.0)).tolist() == [0.0, 1.0, 2.0]


needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")


@needs_cuda
def test_dlpack_with_cupy_shares_cuda_memory():
    import cupy

    src = cupy.arange(4, dtype=cupy.float32)
    mine = torch.from_dlpack(src)
    assert mine.device == torch.device("cuda:0") and mine.dtype == torch.float32
    mine[1] = 7.0
    assert float(src[1]) == 7.0  # no copy: the same device memory
    t = torch.arange(3.0, device="cuda")
    theirs = cupy.from_dlpack(t)
    theirs[0] = -1.0
    assert host(t).tolist() == [-1.0, 1.0, 2.0]
    assert t.__dlpack_device__() == (2, 0)  # (kDLCUDA, device 0)


@needs_cuda
def test_dlpack_with_pytorch_cuda():
    T = pytest.importorskip("torch")
    if not T.cuda.is_available():
        pytest.skip("PyTorch without CUDA")
    src = T.arange(4.0, device="cuda")
    mine = torch.from_dlpack(src)
    assert mine.device.type == "cuda"
    mine[2] = 9.0
    assert src[2].item() == 9.0
    back = T.from_dlpack(torch.ones(2, device="cuda"))
    assert back.device.type == "cuda" and back.tolist() == [1.0, 1.0]


def test_model_moved_after_steps_takes_grads_and_optimizer_state_along(device):
    """Steps on the CPU, then model.to(device): parameters, their gradients and the
    optimizer's state follow, and the next steps give the numbers of a run that never moved."""
    def run(move: bool):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(),
                                    torch.nn.Linear(4, 2, bias=False), torch.nn.BatchNorm1d(2))
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        x = torch.linspace(-1, 1, 15).reshape(5, 3)
        # (no bias before the norm, and a weighted loss: a plain sum of squares of a
        # batch-normed output does not depend on the layers before it, and a bias there never
        # does; such gradients are rounding noise, which Adam would magnify)
        c = torch.linspace(0.5, 2.0, 10).reshape(5, 2)
        for k in range(4):
            if move and k == 2:
                model.to(device)
                x, c = x.to(device), c.to(device)
                assert all(p.grad.device.type == device for p in model.parameters())
                assert model[3].running_mean.device.type == device
            opt.zero_grad(set_to_none=False)
            (model(x) ** 2 * c).sum().backward()
            opt.step()
        states = [opt.state[p] for p in model.parameters()]
        assert all(s["exp_avg"].device.type == (device if move else "cpu") for s in states)
        return [host(p) for p in model.parameters()] + [host(model[3].running_var)]

    for a, b in zip(run(False), run(True)):  # (float32 sums in another order on a GPU)
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


def test_cli_train_json(capsys):
    assert cli.main(["train", "--data", "moons", "--epochs", "5", "--json", "--device",
                     "cpu"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(summary) >= {"test_accuracy", "final_loss", "epochs", "seconds", "device"}
    assert summary["epochs"] == 5 and summary["device"] == "cpu"
    assert summary["test_accuracy"] > 0.8


def test_cli_train_digits_reaches_target(capsys, tmp_path):
    assert cli.main(["train", "--device", "cpu", "--json", "--save",
                     str(tmp_path / "m.npz")]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["test_accuracy"] >= 0.97
    state = torch.load(tmp_path / "m.npz")
    assert "0.weight" in state and state["0.weight"].shape == (128, 64)


def test_cli_info(capsys):
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert "autograd_gpu" in out and "NumPy" in out and "devices: cpu" in out


def test_cli_train_cnn_reaches_target(capsys):
    assert cli.main(["train", "--model", "cnn", "--device", "cpu", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["test_accuracy"] >= 0.98 and summary["epochs"] == 30


def test_default_collate_types_as_pytorch():
    from autograd_gpu.utils.data import default_collate

    nums, strs, floats, flags = default_collate([(1, "a", 2.5, True), (2, "b", 3.5, False)])
    assert nums.dtype == torch.int64 and floats.dtype == torch.float64  # Python floats: doubles
    assert flags.dtype == torch.bool and strs == ("a", "b")  # strings as zip gives them
    assert default_collate([np.float32(1.5), np.float32(2.0)]).dtype == torch.float32
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        default_collate([[1, 2], [3]])


def test_tensors_and_modules_pickle_as_in_pytorch():
    import pickle

    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh())
    copy = pickle.loads(pickle.dumps(model))
    x = torch.linspace(-1, 1, 6).reshape(2, 3)
    np.testing.assert_array_equal(copy(x).detach().numpy(), model(x).detach().numpy())
    assert type(copy[0].weight).__name__ == "Parameter" and copy[0].weight.requires_grad
    y = pickle.loads(pickle.dumps(x.requires_grad_() * 2))  # a leaf copy, as PyTorch's
    assert y.is_leaf and y.requires_grad and y.tolist() == (x * 2).tolist()


def test_arrays_with_an_equal_but_new_dtype_object_work_in_every_op():
    import pickle

    a = pickle.loads(pickle.dumps(np.ones((2, 3), np.float32)))  # dtype: equal, not identical
    lin = torch.nn.Linear(3, 2)
    for make in (torch.from_numpy, torch.tensor, torch.as_tensor):
        assert lin(make(a)).shape == (2, 2)


def test_concat_dataset_indexes_across_its_parts():
    a = torch.utils.data.TensorDataset(torch.arange(3.0))
    b = torch.utils.data.TensorDataset(torch.arange(10.0, 14.0))
    c = torch.utils.data.ConcatDataset([a, b])
    assert len(c) == 7 and c.cumulative_sizes == [3, 7]
    assert [c[i][0].item() for i in (0, 2, 3, 6, -1, -7)] == [0, 2, 10, 13, 13, 0]
    assert len(a + b) == 7
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        c[-8]
    with pytest.raises(IndexError):
        c[7]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        torch.utils.data.ConcatDataset([])
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        torch.utils.data.TensorDataset(torch.ones(3), torch.ones(2))


def test_distributed_sampler_shares_and_submodule_paths():
    from autograd_gpu.utils.data.dataloader import default_collate as collate
    from autograd_gpu.utils.data.sampler import Sampler

    assert collate is torch.utils.data.default_collate and Sampler is torch.utils.data.Sampler
    ds = TensorDataset(torch.arange(10.0))
    shares = [list(torch.utils.data.DistributedSampler(ds, 3, r, shuffle=False))
              for r in range(3)]
    assert shares == [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]  # padded to equal shares
    cut = [list(torch.utils.data.DistributedSampler(ds, 3, r, shuffle=False, drop_last=True))
           for r in range(3)]
    assert sorted(sum(cut, [])) == list(range(9))
    mixed = [torch.utils.data.DistributedSampler(ds, 2, r, seed=1) for r in range(2)]
    for s in mixed:
        s.set_epoch(3)
    assert sorted(list(mixed[0]) + list(mixed[1])) == list(range(10))
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        torch.utils.data.DistributedSampler(ds)


def test_variable_is_a_tensor_and_init_keeps_old_names():
    Variable = torch.autograd.Variable
    x = Variable(torch.ones(2, 2), requires_grad=True)
    ((x + 2) ** 2).mean().backward()
    assert isinstance(x, Variable) and x.is_leaf and host(x.grad).tolist() == [[1.5, 1.5]] * 2
    t = torch.ones(2)
    alias = Variable(t)
    alias[0] = 5.0
    assert t.tolist() == [5.0, 1.0] and not alias.requires_grad
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
        Variable([1, 2])
    w = torch.empty(4, 3)
    with pytest.warns(FutureWarning, match="`nn.init.constant` is now deprecated"):
        torch.nn.init.constant(w, 0.5)
    assert host(w).tolist() == [[0.5] * 3] * 4
    torch.nn.init.sparse_(w, 0.5)
    assert host((w == 0).sum(0)).tolist() == [2, 2, 2]


def test_channels_last_layout_keeps_values_and_gradients():
    x = torch.arange(24.0).reshape(2, 3, 2, 2).requires_grad_()
    y = x.contiguous(memory_format=torch.channels_last)
    assert y.stride() == (12, 1, 6, 3) and y.is_contiguous(memory_format=torch.channels_last)
    assert not y.is_contiguous() and y.contiguous().stride() == (12, 4, 2, 1)
    assert y.clone().stride() == (12, 1, 6, 3)  # (preserve_format)
    assert torch.equal(y.detach(), x.detach())
    (y * y).sum().backward()
    assert torch.equal(x.grad, 2 * x.detach())
    with pytest.raises(RuntimeError, match="required rank 4 tensor to use channels_last format"):
        torch.ones(2, 3).contiguous(memory_format=torch.channels_last)
    conv = torch.nn.Conv2d(2, 3, 1).to(memory_format=torch.channels_last)
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    assert torch.ones(2).layout is torch.strided


def test_dataloader_options_checked_and_fixed_as_pytorchs():
    from autograd_gpu.utils import data

    for kwargs, words in (({"num_workers": -1}, "num_workers option should be non-negative"),
                          ({"timeout": -1}, "timeout option should be non-negative"),
                          ({"prefetch_factor": 2}, "prefetch_factor option could only be"),
                          ({"persistent_workers": True}, "persistent_workers option needs"),
                          ({"batch_size": None, "drop_last": True},
                           "batch_size=None option disables auto-batching"),
                          ({"batch_size": 0}, "batch_size should be a positive integer value"),
                          ({"drop_last": 1}, "drop_last should be a boolean value")):
        with pytest.raises(ValueError, match=words):
            DataLoader([1, 2, 3], **kwargs)
    dl = DataLoader([1, 2, 3], batch_size=2)
    assert type(dl.sampler) is data.SequentialSampler and type(dl.batch_sampler) is \
        data.BatchSampler and dl.num_workers == 0
    assert type(DataLoader([1, 2], shuffle=True).sampler) is data.RandomSampler
    with pytest.raises(ValueError, match="^batch_size attribute should not be set after "
                                         "DataLoader is initialized$"):
        dl.batch_size = 3
    dl.num_workers = 0  # (other attributes may change)
    assert [b.tolist() for b in dl] == [[1, 2], [3]]
    dl = DataLoader([1, 2, 3], batch_sampler=[[2, 0], [1]])
    assert dl.batch_size is None and [b.tolist() for b in dl] == [[3, 1], [2]] and len(dl) == 2
    with pytest.raises(TypeError, match="^replacement should be a boolean value"):
        data.RandomSampler([1, 2], replacement=1)
    with pytest.raises(ValueError, match=r"weights should be a 1d sequence but given weights "
                                         r"have shape \(1, 2\)"):
        data.WeightedRandomSampler([[0.1, 0.9]], num_samples=5)


def test_random_split_takes_pytorchs_lengths_and_fractions():
    from autograd_gpu.utils.data import random_split

    sizes = lambda lengths: [len(s) for s in random_split(range(10), lengths)]  # noqa: E731
    assert sizes([0.33, 0.33, 0.34]) == [4, 3, 3]  # (3, 3, 3, the remainder from the first)
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        assert sizes([1.0, 0.0]) == [10, 0]
    assert sizes([7, 3]) == [7, 3]
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(7), [1.2, -0.2])
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [7, 4])
    parts = random_split(range(10), [6, 4], generator=torch.Generator().manual_seed(0))
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
