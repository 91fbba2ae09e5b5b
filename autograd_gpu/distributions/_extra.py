"""More of torch.distributions: LogisticNormal (stick-breaking of a Normal onto the
simplex) and FisherSnedecor (a ratio of scaled chi-squares)."""
from __future__ import annotations

import math

from ..ops import where
from ..tensor import Tensor
from . import Distribution, Normal, TransformedDistribution, constraints
from .transforms import StickBreakingTransform
from .utils import broadcast_all

__all__ = ["LogisticNormal", "FisherSnedecor"]


class LogisticNormal(TransformedDistribution):
    """The simplex image of Normal(loc, scale) under stick breaking: K - 1 normal
    coordinates give a point on the K-simplex."""
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support, has_rsample = constraints.simplex, True

    def __init__(self, loc, scale, validate_args=None):
        base = Normal(loc, scale, validate_args=validate_args)
        if not base._batch_shape:
            base = base.expand((1,))
        super().__init__(base, StickBreakingTransform(), validate_args)

    loc = property(lambda self: self.base_dist.base_dist.loc)
    scale = property(lambda self: self.base_dist.base_dist.scale)


class FisherSnedecor(Distribution):
    """The F distribution with df1 and df2 degrees of freedom."""
    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support, has_rsample = constraints.positive, True

    def __init__(self, df1, df2, validate_args=None):
        from .._gamma import Gamma

        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        super().__init__(tuple(self.df1.shape), (), validate_args)

    @property
    def mean(self) -> Tensor:
        df2 = self.df2
        return where(df2 > 2, df2 / (df2 - 2), math.nan)

    @property
    def mode(self) -> Tensor:
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return where(self.df1 > 2, mode, math.nan)

    @property
    def variance(self) -> Tensor:
        df1, df2 = self.df1, self.df2
        wide = 2 * df2 ** 2 * (df1 + df2 - 2) / (df1 * (df2 - 2) ** 2 * (df2 - 4))
        return where(df2 > 4, wide, math.nan)

    def rsample(self, sample_shape=()) -> Tensor:
        from ..runtime import finfo

        shape = self._extended(sample_shape)
        x1 = self._gamma1.rsample(sample_shape).view(shape)
        x2 = self._gamma2.rsample(sample_shape).view(shape)
        tiny = finfo(x2.dtype).tiny
        return (x1 / x2.clamp(min=tiny)).clamp(min=tiny)

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.df1)
        ct1, ct2, ct3 = self.df1 * 0.5, self.df2 * 0.5, self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * value.log()
        t3 = (ct1 + ct2) * (ct3 * value).log1p()
        return t1 + t2 - t3
