"""Variable-length sequences for the recurrent layers (PyTorch's torch.nn.utils.rnn):
padding, and packing into a PackedSequence whose time steps hold only the sequences still
running (longest first). Packing and unpacking are index ops, so gradients flow through."""
from __future__ import annotations

from collections import namedtuple

from ... import creation
from ...ops import cat, stack
from ...tensor import Tensor

_Fields = namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices",
                                        "unsorted_indices"])


class PackedSequence(_Fields):
    """data: the running sequences' elements, time step after time step (longest sequence
    first within a step); batch_sizes: how many run at each step (int64, on the CPU)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> "PackedSequence":
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices),
                          move(self.unsorted_indices))

    def cpu(self) -> "PackedSequence":
        return self.to("cpu")

    def cuda(self, device=None) -> "PackedSequence":
        return self.to("cuda" if device is None else device)

    def double(self) -> "PackedSequence":
        return type(self)(self.data.double(), *self[1:])

    def float(self) -> "PackedSequence":
        return type(self)(self.data.float(), *self[1:])

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def _invert(permutation: Tensor) -> Tensor:
    order = permutation.tolist()
    inverse = [0] * len(order)
    for i, j in enumerate(order):
        inverse[j] = i
    return creation.tensor(inverse, dtype=permutation.dtype, device=permutation.device)


def _lengths(lengths) -> list:
    if isinstance(lengths, Tensor):
        if lengths.dim() != 1:
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                               f"{lengths.dim()}D {lengths.device.type} "
                               f"{str(lengths.dtype).split('.')[-1]} tensor")
        return [int(v) for v in lengths.tolist()]
    return [int(v) for v in lengths]


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded (T, B, *) batch (or (B, T, *) with batch_first) of sequences of the given
    lengths."""
    lens = _lengths(lengths)
    x = input.transpose(0, 1) if batch_first else input
    if len(lens) != x.shape[1]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lens)} (batch_size={x.shape[1]})")
    if enforce_sorted:
        if any(a < b for a, b in zip(lens, lens[1:])):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` "
                               "to pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
        order, sorted_indices = list(range(len(lens))), None
    else:
        order = sorted(range(len(lens)), key=lambda i: -lens[i])  # stable, longest first
        sorted_indices = creation.tensor(order, dtype=creation.tensor(0).dtype,
                                         device=input.device)
        x = x.index_select(1, sorted_indices)
    lens = [lens[i] for i in order]
    if lens and lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if lens and lens[0] > x.shape[0]:
        raise RuntimeError(f"Expected sequence length to be larger than or equal to the "
                           f"largest length {lens[0]} (got {x.shape[0]})")
    steps = lens[0] if lens else 0
    batch_sizes = [sum(1 for n in lens if n > t) for t in range(steps)]
    data = cat([x[t, :b] for t, b in enumerate(batch_sizes)], 0)
    return PackedSequence(data, creation.tensor(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length=None):
    """(padded batch, lengths): the inverse of pack_padded_sequence, in the original order."""
    data, batch_sizes = sequence.data, [int(b) for b in sequence.batch_sizes.tolist()]
    batch = batch_sizes[0] if batch_sizes else 0
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
    rest = tuple(data.shape[1:])
    rows, offset = [], 0
    for b in batch_sizes:
        step = data[offset:offset + b]
        if b < batch:
            step = cat([step, data.new_full((batch - b,) + rest, padding_value)], 0)
        rows.append(step)
        offset += b
    for _ in range(steps, total_length or steps):
        rows.append(data.new_full((batch,) + rest, padding_value))
    padded = stack(rows, 0) if rows else data.new_zeros((0, batch) + rest)
    lengths = [sum(1 for b in batch_sizes if b > i) for i in range(batch)]
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices.to(padded.device))
        lengths = [lengths[j] for j in sequence.unsorted_indices.tolist()]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, creation.tensor(lengths)


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Sequences of shape (L_i, *) as one (T, B, *) tensor (or (B, T, *)), padded on the right
    (or left) with padding_value."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in sequences)
    first = sequences[0]  # (its trailing shape, dtype and device are the result's)
    trailing = tuple(first.shape[1:])
    dims = (len(sequences), longest) if batch_first else (longest, len(sequences))
    out = first.new_full(dims + trailing, padding_value)
    for i, s in enumerate(sequences):  # copied in, as PyTorch does (grad_fn CopySlices)
        n = s.shape[0]
        start = 0 if padding_side == "right" else longest - n
        place = out.select(0, i).narrow(0, start, n) if batch_first else \
            out.narrow(0, start, n).select(1, i)
        place.copy_(s)
    return out


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i, :n] for i, n in enumerate(_lengths(lengths))]


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def _repack(padded_time_major: Tensor, like: PackedSequence) -> PackedSequence:
    """A padded (T, B, *) tensor in the original batch order as a PackedSequence laid out as
    `like`."""
    x = padded_time_major
    if like.sorted_indices is not None:
        x = x.index_select(1, like.sorted_indices.to(x.device))
    sizes = [int(b) for b in like.batch_sizes.tolist()]
    data = cat([x[t, :b] for t, b in enumerate(sizes)], 0)
    return PackedSequence(data, like.batch_sizes, like.sorted_indices, like.unsorted_indices)
