"""Dataset, TensorDataset, DataLoader (batching, seeded shuffling, drop_last, collate that
stacks tensors, optional transfer of each batch to a device)."""
from __future__ import annotations

import itertools
import math
import numbers
import warnings

import numpy as np

from .. import _dtypes, creation
from ..ops import stack
from ..tensor import Tensor


class Dataset:
    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of samples (`__iter__`); DataLoader batches it in the order it yields."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} is an IterableDataset: iterate over it "
                        f"instead of indexing it")

    def __add__(self, other: "Dataset") -> "ChainDataset":
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """Iterable datasets one after another."""

    def __init__(self, datasets):
        self.datasets = list(datasets)

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)


class StackDataset(Dataset):
    """Samples of several datasets side by side: a tuple (positional) or a dict (keywords)."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via "
                             "``kwargs``) like input/output, but both types are given.")
        self.datasets = args or kwargs
        lengths = {len(d) for d in (args or kwargs.values())}
        if len(lengths) > 1:
            raise ValueError("Size mismatch between datasets")
        self._length = lengths.pop() if lengths else 0

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


def get_worker_info():
    """None: batches are always loaded in the main process here."""
    return None


def default_convert(data):
    """NumPy arrays (also inside lists, tuples and dicts) as tensors; anything else as is."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
        return creation.as_tensor(data)
    if isinstance(data, np.generic) and data.dtype.kind in "biuf":
        return creation.as_tensor(data)
    if isinstance(data, dict):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(v) for v in data))
    if isinstance(data, (list, tuple)):  # a list, for tuples too (as PyTorch)
        return [default_convert(v) for v in data]
    return data


class TensorDataset(Dataset):
    def __init__(self, *tensors: Tensor):
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise AssertionError("Size mismatch between tensors")  # (PyTorch asserts)
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int):
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index += len(self)
        k = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        start = self.cumulative_sizes[k - 1] if k else 0
        return self.datasets[k][index - start]


class Subset(Dataset):
    def __init__(self, dataset: Dataset, indices):
        self.dataset, self.indices = dataset, list(indices)

    def __getitem__(self, index):
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def default_collate(batch):
    """Stack tensors, numbers and arrays along a new first dimension, recursively."""
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(batch)
    if isinstance(first, np.ndarray):
        return creation.as_tensor(np.stack(batch))
    if isinstance(first, np.generic):
        return creation.as_tensor(np.asarray(batch))
    if isinstance(first, float):  # Python floats are doubles: float64, as PyTorch collates
        return creation.tensor(batch, dtype=_dtypes.float64)
    if isinstance(first, numbers.Number):
        return creation.tensor(batch)
    if isinstance(first, (str, bytes)):
        return batch
    if isinstance(first, dict):
        return {k: default_collate([b[k] for b in batch]) for k in first}
    if isinstance(first, (tuple, list)) and any(len(b) != len(first) for b in batch):
        raise RuntimeError("each element in list of batch should be of equal size")
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a named tuple stays one
        return type(first)(*(default_collate(items) for items in zip(*batch)))
    if isinstance(first, (tuple, list)):  # a list, for tuples too (as PyTorch)
        return [default_collate(items) for items in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(first)}")


class DataLoader:
    """Batches of a dataset. A TensorDataset is sliced whole batches at a time (one gather per
    tensor, no per-sample Python loop); other datasets go through collate_fn."""

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler=None, batch_sampler=None, num_workers: int = 0, collate_fn=None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True, device=None):
        # PyTorch's checks, in its order (batches are loaded in this process: num_workers and
        # the options for worker processes are kept and checked, not acted on)
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset, self.num_workers, self.prefetch_factor = dataset, num_workers, \
            prefetch_factor
        self.pin_memory, self.pin_memory_device, self.timeout = pin_memory, pin_memory_device, \
            timeout
        self.worker_init_fn, self.multiprocessing_context = worker_init_fn, \
            multiprocessing_context
        self.in_order, self.device = in_order, device
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            for option, value in (("shuffle", None if shuffle is False else shuffle),
                                  ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value is not None:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                     f"{option} option, but got {option}={value}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            sampler = _InfiniteConstantSampler() if iterable else \
                RandomSampler(dataset, generator=generator) if shuffle else \
                SequentialSampler(dataset)
        self._auto_batches = batch_size is not None and batch_sampler is None
        if self._auto_batches:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last, self.sampler = batch_size, drop_last, sampler
        self.batch_sampler, self.generator = batch_sampler, generator
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn, self.persistent_workers = collate_fn, persistent_workers
        self._initialized = True

    def __setattr__(self, name: str, value) -> None:
        if name in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                    "persistent_workers") and self.__dict__.get("_initialized"):
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)  # (a TypeError when the stream has no length, as PyTorch)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def _order(self):
        """The sampler's indices for one epoch (an array for the default ones)."""
        sampler = self.sampler
        if sampler.__class__ is SequentialSampler and sampler.data_source is self.dataset:
            return np.arange(len(self.dataset))
        if sampler.__class__ is RandomSampler:
            return np.asarray(list(sampler), dtype=np.int64)
        return list(iter(sampler))

    def _stream(self):
        """Batches of an IterableDataset, in the order it yields its samples."""
        if self.batch_size is None:
            for sample in self.dataset:
                yield self._to_device(self.collate_fn(sample))
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self._to_device(self.collate_fn(batch))
                batch = []
        if batch and not self.drop_last:
            yield self._to_device(self.collate_fn(batch))

    def __iter__(self):
        # PyTorch's iterator draws a base seed for its workers first (from the loader's
        # generator, else the default one), so the shuffle after it draws what PyTorch's does
        creation.empty((), dtype=_dtypes.int64).random_(generator=self.generator)
        if isinstance(self.dataset, IterableDataset):
            yield from self._stream()
            return
        if self.batch_sampler is not None and not self._auto_batches:
            for idx in self.batch_sampler:
                yield self._to_device(self._batch(idx))
            return
        order = self._order()
        if self.batch_size is None:
            for i in order:
                yield self._to_device(self.collate_fn(self.dataset[int(i)]))
            return
        stop = len(order) - (len(order) % self.batch_size if self.drop_last else 0)
        for start in range(0, stop, self.batch_size):
            idx = order[start:start + self.batch_size]
            yield self._to_device(self._batch(idx))

    def _batch(self, idx):
        if isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate:
            index = creation.as_tensor(np.asarray(idx, dtype=np.int64))
            return [t[index.to(t.device)] for t in self.dataset.tensors]  # (collate's list)
        return self.collate_fn([self.dataset[int(i)] for i in idx])

    def _to_device(self, batch):
        if self.device is None:
            return batch
        if isinstance(batch, Tensor):
            return batch.to(self.device)
        if isinstance(batch, (tuple, list)):
            return type(batch)(self._to_device(b) for b in batch)
        if isinstance(batch, dict):
            return {k: self._to_device(v) for k, v in batch.items()}
        return batch


class Sampler:
    """Yields dataset indices; DataLoader(sampler=...) batches them in order."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError

    def __len__(self) -> int:
        raise TypeError(f"{type(self).__name__} has no length")


class SequentialSampler(Sampler):
    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class _InfiniteConstantSampler(Sampler):
    """An IterableDataset's sampler (PyTorch's): None forever; the dataset yields the data."""

    def __iter__(self):
        while True:
            yield None


def _fresh_generator():
    """A new CPU generator seeded from the default one: what PyTorch's random sampling of a
    dataset draws each epoch when it is given no generator."""
    seed = int(creation.empty((), dtype=_dtypes.int64).random_().item())
    return creation.Generator().manual_seed(seed)


class RandomSampler(Sampler):
    """A random permutation (or num_samples draws, with replacement if asked)."""

    def __init__(self, data_source, replacement: bool = False, num_samples=None,
                 generator=None):
        self.data_source, self.replacement, self.generator = data_source, replacement, generator
        self._num_samples = num_samples
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        gen = self.generator or _fresh_generator()
        if self.replacement:
            return iter(creation.randint(0, n, (self.num_samples,), generator=gen).tolist())
        out = []
        for _ in range(self.num_samples // n):
            out += creation.randperm(n, generator=gen).tolist()
        out += creation.randperm(n, generator=gen).tolist()[:self.num_samples % n]
        return iter(out)

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a random order."""

    def __init__(self, indices, generator=None):
        self.indices, self.generator = list(indices), generator

    def __iter__(self):
        perm = creation.randperm(len(self.indices), generator=self.generator).tolist()
        return iter([self.indices[i] for i in perm])

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """num_samples indices drawn with probabilities proportional to weights."""

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or \
                num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        w = weights.detach().cpu().numpy() if isinstance(weights, Tensor) else np.asarray(
            weights, np.float64)
        self.weights = np.asarray(w, np.float64)
        if self.weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape "
                             f"{tuple(self.weights.shape)}")
        self.num_samples, self.replacement, self.generator = num_samples, replacement, generator

    def __iter__(self):
        from ..sampling import multinomial

        weights = creation.tensor(self.weights, dtype=_dtypes.float64)
        return iter(multinomial(weights, self.num_samples, self.replacement,
                                generator=self.generator).tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups a sampler's indices into lists of batch_size."""

    def __init__(self, sampler, batch_size: int, drop_last: bool):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self):
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def random_split(dataset: Dataset, lengths, generator=None):
    """Subsets of a random permutation, of the given lengths or fractions of the dataset (the
    remainder of the fractions given out one by one from the first), as PyTorch splits."""
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, fraction in enumerate(lengths):
            if fraction < 0 or fraction > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(int(math.floor(n * fraction)))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
        for i, size in enumerate(lengths):
            if size == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an "
                              f"empty dataset.", UserWarning, stacklevel=2)
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    perm = creation.randperm(sum(lengths), generator=generator).tolist()
    return [Subset(dataset, perm[end - size:end])
            for end, size in zip(itertools.accumulate(lengths), lengths)]


class DistributedSampler(Sampler):
    """The indices one of num_replicas processes reads (rank's share: every num_replicas-th of
    a seeded, per-epoch permutation, padded or cut to equal shares). There is no process
    group here, so num_replicas and rank must be given."""

    def __init__(self, dataset: Dataset, num_replicas: int | None = None,
                 rank: int | None = None, shuffle: bool = True, seed: int = 0,
                 drop_last: bool = False):
        if num_replicas is None or rank is None:
            raise ValueError("Default process group has not been initialized, please make sure "
                             "to call init_process_group. (autograd_gpu has no process groups: "
                             "pass num_replicas and rank.)")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last, self.epoch = shuffle, seed, drop_last, 0
        n = len(dataset)
        self.num_samples = n // num_replicas if drop_last and n % num_replicas else \
            -(-n // num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = creation.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = creation.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            pad = self.total_size - len(indices)
            indices += (indices * -(-pad // max(len(indices), 1)))[:pad]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch


def _submodule_spellings() -> None:
    """`from torch.utils.data.dataloader import default_collate`, `...dataset import Dataset`,
    `...sampler import Sampler`: PyTorch's submodule paths name this one module."""
    import sys

    me = sys.modules[__name__]
    for sub in ("dataloader", "dataset", "sampler", "_utils", "distributed"):
        sys.modules[f"{__name__}.{sub}"] = me
        setattr(me, sub, me)


_submodule_spellings()
