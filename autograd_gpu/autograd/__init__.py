"""autograd: graph nodes, the backward engine, grad modes (PyTorch's torch.autograd)."""
from .api import backward, grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, no_grad,
                        set_grad_enabled)
from .node import AccumulateGrad, Node

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "inference_mode", "Node", "AccumulateGrad",
           "gradcheck", "gradgradcheck", "GradcheckError"]
