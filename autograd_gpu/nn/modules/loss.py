"""Loss modules: thin wrappers over nn.functional with `reduction=`."""
from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__()  # (a wrong reduction fails in forward, as PyTorch's)
        self.reduction = F.legacy_reduction(size_average, reduce, reduction)


class MSELoss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class NLLLoss(_WeightedLoss):
    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class NLLLoss2d(NLLLoss):
    """NLLLoss under its old name for (N, C, H, W) scores (it handles any rank already)."""


class CrossEntropyLoss(_WeightedLoss):
    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean", label_smoothing: float = 0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean",
                 pos_weight: Tensor | None = None):
        super().__init__(weight, size_average, reduce, reduction)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class SmoothL1Loss(_Loss):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 beta: float = 1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MarginRankingLoss(_Loss):
    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, self.margin,
                                     reduction=self.reduction)


class SoftMarginLoss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


def _simple_loss(name: str, fn, params: tuple = (), keywords_only: bool = False):
    """A loss module taking PyTorch's arguments in its order (`params`: (name, default),
    size_average/reduce/reduction among them) and forwarding the others to fn."""
    names = [p for p, _ in params]

    def __init__(self, *args, **kwargs):
        if args and keywords_only or len(args) > len(names):
            raise TypeError(f"{name}.__init__() takes {1 + (0 if keywords_only else len(names))}"
                            f" positional arguments but {1 + len(args)} were given")
        for key in kwargs:
            if key not in names:
                raise TypeError(f"{name}.__init__() got an unexpected keyword argument '{key}'")
        values = {**dict(params), **dict(zip(names, args)), **kwargs}
        _Loss.__init__(self, values.pop("size_average", None), values.pop("reduce", None),
                       values.pop("reduction"))
        for p, v in values.items():
            setattr(self, p, v)

    def forward(self, *inputs):
        return fn(*inputs, **{p: getattr(self, p) for p in names
                              if p not in ("size_average", "reduce", "reduction")},
                  reduction=self.reduction)

    return type(name, (_Loss,), {"__init__": __init__, "forward": forward})


_LEGACY = (("size_average", None), ("reduce", None))
PoissonNLLLoss = _simple_loss("PoissonNLLLoss", F.poisson_nll_loss,
                              (("log_input", True), ("full", False), ("size_average", None),
                               ("eps", 1e-8), ("reduce", None), ("reduction", "mean")))
GaussianNLLLoss = _simple_loss("GaussianNLLLoss", F.gaussian_nll_loss,
                               (("full", False), ("eps", 1e-6), ("reduction", "mean")),
                               keywords_only=True)
HingeEmbeddingLoss = _simple_loss("HingeEmbeddingLoss", F.hinge_embedding_loss,
                                  (("margin", 1.0), *_LEGACY, ("reduction", "mean")))
CosineEmbeddingLoss = _simple_loss("CosineEmbeddingLoss", F.cosine_embedding_loss,
                                   (("margin", 0.0), *_LEGACY, ("reduction", "mean")))
TripletMarginLoss = _simple_loss("TripletMarginLoss", F.triplet_margin_loss,
                                 (("margin", 1.0), ("p", 2.0), ("eps", 1e-6), ("swap", False),
                                  *_LEGACY, ("reduction", "mean")))
MultiLabelSoftMarginLoss = _simple_loss("MultiLabelSoftMarginLoss",
                                        F.multilabel_soft_margin_loss,
                                        (("weight", None), *_LEGACY, ("reduction", "mean")))
