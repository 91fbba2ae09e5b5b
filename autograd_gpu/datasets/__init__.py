"""Datasets that need no network: synthetic spirals and moons (seeded), and the 8x8
handwritten digits shipped in the package (see DIGITS_LICENSE.txt) with a fixed split.

Each returns (train, test) TensorDatasets of float32 features and int64 labels."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import creation
from ..utils.data import TensorDataset


def _split(x: np.ndarray, y: np.ndarray, test_fraction: float, rng) -> tuple:
    order = rng.permutation(len(y))
    n_test = int(round(len(y) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    make = lambda idx: TensorDataset(creation.from_numpy(x[idx].astype(np.float32)),  # noqa
                                     creation.from_numpy(y[idx].astype(np.int64)))
    return make(train), make(test)


def spirals(n_per_class: int = 300, classes: int = 3, noise: float = 0.2, seed: int = 0,
            test_fraction: float = 0.2):
    """Interleaved spiral arms in 2-D, one class per arm (the CS231n toy problem)."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for k in range(classes):
        r = np.linspace(0.0, 1.0, n_per_class)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, n_per_class) + rng.normal(0, noise,
                                                                           n_per_class)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        ys.append(np.full(n_per_class, k))
    return _split(np.concatenate(xs), np.concatenate(ys), test_fraction, rng)


def moons(n_samples: int = 1000, noise: float = 0.1, seed: int = 0,
          test_fraction: float = 0.2):
    """Two interleaving half circles in 2-D (as scikit-learn's make_moons)."""
    rng = np.random.default_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = np.stack([np.cos(np.linspace(0, np.pi, n_out)),
                      np.sin(np.linspace(0, np.pi, n_out))], 1)
    inner = np.stack([1 - np.cos(np.linspace(0, np.pi, n_in)),
                      1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5], 1)
    x = np.concatenate([outer, inner]) + rng.normal(0, noise, (n_samples, 2))
    y = np.concatenate([np.zeros(n_out, int), np.ones(n_in, int)])
    return _split(x, y, test_fraction, rng)


def digits(flatten: bool = False):
    """The 8x8 handwritten digits: 1,437 training and 360 test images, pixels scaled to [0, 1].
    Images are (1, 8, 8) for a CNN, or 64 features with flatten=True."""
    with np.load(Path(__file__).with_name("digits.npz")) as f:
        images, labels, train, test = f["images"], f["labels"], f["train"], f["test"]
    x = images.astype(np.float32) / 16.0
    x = x.reshape(len(x), 64) if flatten else x.reshape(len(x), 1, 8, 8)
    make = lambda idx: TensorDataset(creation.from_numpy(np.ascontiguousarray(x[idx])),  # noqa
                                     creation.from_numpy(labels[idx].astype(np.int64)))
    return make(train), make(test)
