"""autograd: graph nodes, the backward engine, grad modes (PyTorch's torch.autograd)."""
from . import forward_ad, functional, graph
from .anomaly_mode import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .api import backward, grad
from .function import Function, FunctionCtx, once_differentiable
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, no_grad,
                        set_grad_enabled)
from .node import AccumulateGrad, Node
from .variable import Variable
from .. import profiler  # (torch.autograd.profiler: the same profile and record_function)

import sys as _sys

_sys.modules[__name__ + ".profiler"] = profiler

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "inference_mode", "Node", "AccumulateGrad",
           "gradcheck", "gradgradcheck", "GradcheckError", "Function", "FunctionCtx",
           "once_differentiable", "functional", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled", "Variable", "profiler", "graph", "forward_ad"]
