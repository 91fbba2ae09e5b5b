"""Recurrent layers (RNN, LSTM, GRU) and their cells, with PyTorch's parameters (names, gate
order, initialisation), shapes and errors. Each time step is a few differentiable ops; the
input projections of all time steps are one matrix product per layer and direction."""
from __future__ import annotations

import math
import warnings

from ... import creation
from ...ops import cat, sigmoid, stack, tanh, where
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _cell(mode: str, gi: Tensor, h, w_hh: Tensor, b_hh, w_hr: Tensor | None = None):
    """One step from the input projection gi (x W_ih^T + b_ih) and the state h (an LSTM's
    output is projected by w_hr when it has proj_size)."""
    if mode == "LSTM":
        h, c = h
        i, f, g, o = (gi + F.linear(h, w_hh, b_hh)).chunk(4, -1)
        c = sigmoid(f) * c + sigmoid(i) * tanh(g)
        out = sigmoid(o) * tanh(c)
        return (out if w_hr is None else F.linear(out, w_hr)), c
    gh = F.linear(h, w_hh, b_hh)
    if mode == "GRU":
        ir, iz, in_ = gi.chunk(3, -1)
        hr, hz, hn = gh.chunk(3, -1)
        r, z = sigmoid(ir + hr), sigmoid(iz + hz)
        n = tanh(in_ + r * hn)
        return (1 - z) * n + z * h
    pre = gi + gh
    return tanh(pre) if mode == "RNN_TANH" else F.relu(pre)


class RNNBase(Module):
    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__()
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"dropout option adds dropout after all but last recurrent layer, so "
                          f"non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", UserWarning,
                          stacklevel=3)
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional = float(dropout), bidirectional
        self.proj_size = proj_size
        out_size = proj_size or hidden_size  # an LSTM's h (and output) is projected to it
        gates = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        for layer in range(num_layers):
            for d in range(directions):
                n_in = input_size if layer == 0 else out_size * directions
                suffix = f"_l{layer}" + ("_reverse" if d else "")
                shapes = [("weight_ih", (gates, n_in)), ("weight_hh", (gates, out_size))]
                if bias:
                    shapes += [("bias_ih", (gates,)), ("bias_hh", (gates,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name + suffix, Parameter(creation.empty(
                        *shape, device=device, dtype=dtype)))
                    self._flat_weights_names.append(name + suffix)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        return s

    def _weights(self, layer: int, reverse: bool):
        suffix = f"_l{layer}" + ("_reverse" if reverse else "")
        get = lambda n: getattr(self, n + suffix) if self.bias or "weight" in n else None  # noqa: E731
        w_hr = getattr(self, "weight_hr" + suffix) if self.proj_size else None
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"), w_hr

    def _initial(self, hx, input: Tensor, batch: int, batched: bool):
        directions = 2 if self.bidirectional else 1
        shape = (self.num_layers * directions, batch, self.hidden_size)
        h_shape = shape[:2] + (self.proj_size or self.hidden_size,)
        if hx is None:
            zeros = creation.zeros(*shape, dtype=input.dtype, device=input.device)
            if self.mode != "LSTM":
                return zeros
            return (creation.zeros(*h_shape, dtype=input.dtype, device=input.device), zeros)
        if self.mode == "LSTM" and isinstance(hx, Tensor):  # (PyTorch unpacks it: hx[0], hx[1])
            hx = (hx[0], hx[1])
        if self.mode == "LSTM" and isinstance(hx, list):
            hx = tuple(hx)
        states = hx if self.mode == "LSTM" else (hx,)
        if self.mode == "LSTM" and (not isinstance(hx, tuple) or len(hx) != 2):
            raise RuntimeError("lstm expects two hidden states")
        rank = 3 if batched else 2
        if self.mode == "LSTM" and any(h.dim() != rank for h in hx):
            raise RuntimeError(f"For {'batched 3-D' if batched else 'unbatched 2-D'} input, hx "
                               f"and cx should also be {rank}-D but got ({hx[0].dim()}-D, "
                               f"{hx[1].dim()}-D) tensors")
        fixed = []
        for k, h in enumerate(states):
            if not batched:
                if h.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got "
                                       f"{h.dim()}-D tensor")
                h = h.unsqueeze(1)
            elif h.dim() != 3:
                raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got "
                                   f"{h.dim()}-D tensor")
            want = h_shape if k == 0 else shape
            if tuple(h.shape) != want:
                which = f"hidden[{k}]" if self.mode == "LSTM" else "hidden"
                raise RuntimeError(f"Expected {which} size {want}, got {list(h.shape)}")
            fixed.append(h)
        return tuple(fixed) if self.mode == "LSTM" else fixed[0]

    def forward(self, input, hx=None):
        from ..utils.rnn import PackedSequence, _repack, pad_packed_sequence

        if isinstance(input, PackedSequence):  # masked steps: each sequence stops at its end
            padded, lengths = pad_packed_sequence(input)
            out, state = self._run(padded, hx, lengths.tolist())
            return _repack(out, input), state
        return self._run(input, hx, None)

    def _run(self, input: Tensor, hx, lengths):
        """Time-major when `lengths` (a packed input, unpacked in the original batch order)
        is given; then sequence b's state stops changing after lengths[b] steps."""
        if input.dim() not in (2, 3):
            tensor = " tensor" if self.mode.startswith("RNN") else ""  # (RNN's own words)
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got "
                             f"{input.dim()}D{tensor} instead")
        weight_dtype = getattr(self, self._flat_weights_names[0]).dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight_dtype}). Convert input: input.to({weight_dtype}), or "
                             f"convert model: model.to({input.dtype})")
        batched = input.dim() == 3
        x = input if batched else input.unsqueeze(1)
        if batched and self.batch_first and lengths is None:
            x = x.transpose(0, 1)
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {x.shape[-1]}")
        steps, batch = x.shape[0], x.shape[1]
        state = self._initial(hx, input, batch, batched)
        running = None
        if lengths is not None:  # running[t]: (B, 1), True while step t is inside sequence b
            running = (creation.arange(steps, device=x.device).unsqueeze(1) < creation.tensor(
                lengths, device=x.device).unsqueeze(0)).unsqueeze(-1)
        directions = 2 if self.bidirectional else 1
        finals_h, finals_c = [], []
        for layer in range(self.num_layers):
            outputs = []
            for d in range(directions):
                w_ih, w_hh, b_ih, b_hh, w_hr = self._weights(layer, d == 1)
                k = layer * directions + d
                h = (state[0][k], state[1][k]) if self.mode == "LSTM" else state[k]
                projected = F.linear(x, w_ih, b_ih)  # every time step in one product
                seq = []
                order = range(steps - 1, -1, -1) if d == 1 else range(steps)
                for t in order:
                    new = _cell(self.mode, projected[t], h, w_hh, b_hh, w_hr)
                    if running is not None:  # finished sequences keep their state, output 0
                        keep = running[t]
                        new = tuple(where(keep, a, b) for a, b in zip(new, h)) if \
                            self.mode == "LSTM" else where(keep, new, h)
                        out_t = (new[0] if self.mode == "LSTM" else new) * keep
                    else:
                        out_t = new[0] if self.mode == "LSTM" else new
                    h = new
                    seq.append(out_t)
                if d == 1:
                    seq.reverse()
                outputs.append(stack(seq, 0))
                finals_h.append(h[0] if self.mode == "LSTM" else h)
                if self.mode == "LSTM":
                    finals_c.append(h[1])
            x = outputs[0] if directions == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        output = x
        if batched and self.batch_first and lengths is None:
            output = output.transpose(0, 1)
        h_n = stack(finals_h, 0)
        if not batched:
            output, h_n = output.squeeze(1), h_n.squeeze(1)
        if self.mode == "LSTM":
            c_n = stack(finals_c, 0)
            return output, (h_n, c_n if batched else c_n.squeeze(1))
        return output, h_n


class RNN(RNNBase):
    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device=None, dtype=None,
                 proj_size: int = 0):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             f"'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)


class LSTM(RNNBase):
    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)


class GRU(RNNBase):
    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device=None, dtype=None, proj_size: int = 0):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)


class RNNCellBase(Module):
    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gates = num_chunks * hidden_size
        kw = dict(device=device, dtype=dtype)
        self.weight_ih = Parameter(creation.empty(gates, input_size, **kw))
        self.weight_hh = Parameter(creation.empty(gates, hidden_size, **kw))
        if bias:
            self.bias_ih = Parameter(creation.empty(gates, **kw))
            self.bias_hh = Parameter(creation.empty(gates, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        RNNBase.reset_parameters(self)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _cell_forward(self, input: Tensor, hx=None):  # (each cell's forward: the base has none)
        if input.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.dim()}D instead")
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        if x.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {x.shape[1]} expected "
                               f"{self.input_size}")
        if hx is None:
            zeros = creation.zeros(x.shape[0], self.hidden_size, dtype=x.dtype,
                                   device=x.device)
            hx = (zeros, zeros) if self._mode == "LSTM" else zeros
        elif not batched:
            hx = tuple(h.unsqueeze(0) for h in hx) if self._mode == "LSTM" else hx.unsqueeze(0)
        for k, h in enumerate(hx if self._mode == "LSTM" else (hx,)):
            if h.shape[0] != x.shape[0]:
                raise RuntimeError(f"Input batch size {x.shape[0]} doesn't match hidden{k} batch "
                                   f"size {h.shape[0]}")
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {h.shape[1]}, "
                                   f"expected {self.hidden_size}")
        out = _cell(self._mode, F.linear(x, self.weight_ih, self.bias_ih), hx, self.weight_hh,
                    self.bias_hh)
        if not batched:
            out = tuple(o.squeeze(0) for o in out) if self._mode == "LSTM" else out.squeeze(0)
        return out


class RNNCell(RNNCellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        self._mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    forward = RNNCellBase._cell_forward


class LSTMCell(RNNCellBase):
    _mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    forward = RNNCellBase._cell_forward


class GRUCell(RNNCellBase):
    _mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    forward = RNNCellBase._cell_forward
