"""optim: optimizers and learning-rate schedules (PyTorch's torch.optim)."""
from . import lr_scheduler, swa_utils
from .algorithms import (SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, RAdam,
                         RMSprop)
from .more import ASGD, LBFGS, Adafactor, Rprop
from .optimizer import Optimizer

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam",
           "RAdam", "Adadelta", "Rprop", "ASGD", "LBFGS", "Adafactor", "lr_scheduler", "swa_utils"]
