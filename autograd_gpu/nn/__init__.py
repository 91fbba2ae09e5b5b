"""nn: modules, layers, losses, initialisers (PyTorch's torch.nn)."""
from . import functional, init, utils
from .modules.container import ModuleDict, ModuleList, Sequential
from .modules.layers import (GELU, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout,
                             Embedding, Flatten, Identity, LayerNorm, LeakyReLU, Linear,
                             LogSoftmax, MaxPool2d, ReLU, Sigmoid, SiLU, Softmax, Tanh)
from .modules.loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss,
                           NLLLoss)
from .modules.module import Module
from .modules.padding import *  # noqa: F403
from .modules.padding import __all__ as _padding_layers
from .parameter import Buffer, Parameter

__all__ = ["functional", "init", "utils", "Module", "Parameter", "Buffer", "Sequential", "ModuleList",
           "ModuleDict", "Identity", "Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten",
           "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "GELU", "SiLU", "Softmax", "LogSoftmax",
           "Dropout", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding", "MSELoss",
           "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
           *_padding_layers]
