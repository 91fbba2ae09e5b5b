"""Distributions over matrices: LKJCholesky (Cholesky factors of correlation matrices, by
the onion method) and Wishart (positive definite matrices, by Bartlett's decomposition)."""
from __future__ import annotations

import math
import warnings

from .. import creation, linalg
from ..ops import broadcast_shapes, cat, where
from ..spellings import cholesky_solve, mvlgamma
from ..tensor import Tensor
from . import Distribution, ExponentialFamily, constraints
from .utils import broadcast_all, lazy_property

__all__ = ["LKJCholesky", "Wishart"]

_LOG_2 = math.log(2)


class LKJCholesky(Distribution):
    """The lower Cholesky factor L of a dim x dim correlation matrix L L^T with density
    proportional to det(L L^T)^(concentration - 1)."""
    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration=1.0, validate_args=None):
        from .._gamma import Beta

        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. "
                             f"Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal = self.concentration + 0.5 * (dim - 2)
        offset = creation.arange(dim - 1, dtype=self.concentration.dtype,
                                 device=self.concentration.device)
        offset = cat([offset.new_zeros((1,)), offset])
        self._beta = Beta(offset + 0.5, marginal.unsqueeze(-1) - 0.5 * offset)
        super().__init__(tuple(self.concentration.shape), (dim, dim), validate_args)

    def sample(self, sample_shape=()) -> Tensor:
        from ..runtime import finfo

        y = self._beta.sample(sample_shape).unsqueeze(-1)
        normal = creation.randn(*self._extended(sample_shape), dtype=y.dtype,
                                device=y.device).tril(-1)
        sphere = normal / normal.norm(dim=-1, keepdim=True)
        sphere[..., 0, :] = 0.0
        w = y.sqrt() * sphere
        diag = (1 - (w ** 2).sum(-1)).clamp(min=finfo(w.dtype).tiny).sqrt()
        return w + diag.diag_embed()

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.concentration)
        diag = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = creation.arange(2, self.dim + 1, device=self.concentration.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalised = (order * diag.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normaliser = 0.5 * dm1 * math.log(math.pi) + mvlgamma(alpha - 0.5, dm1) - \
            alpha.lgamma() * dm1
        return unnormalised - normaliser


def _mvdigamma(x: Tensor, p: int) -> Tensor:
    if not bool(x.gt((p - 1) / 2).all()):
        raise AssertionError("Wrong domain for multivariate digamma function.")
    steps = creation.arange(p, dtype=x.dtype, device=x.device).div(2)
    return (x.unsqueeze(-1) - steps.expand(tuple(x.shape) + (-1,))).digamma().sum(-1)


def _precision_to_scale_tril(precision: Tensor) -> Tensor:
    """The Cholesky factor of precision^-1, from that of the flipped precision."""
    flipped = linalg.cholesky(precision.flip((-2, -1)))
    eye = creation.eye(precision.shape[-1], dtype=precision.dtype, device=precision.device)
    return linalg.solve_triangular(flipped.flip((-2, -1)).mT, eye, upper=False)


class Wishart(ExponentialFamily):
    """Positive definite p x p matrices: the sum of df outer products of N(0, Sigma)
    vectors, Sigma given as covariance_matrix, precision_matrix or scale_tril."""
    support, has_rsample, _mean_carrier_measure = constraints.positive_definite, True, 0

    @property
    def arg_constraints(self):
        return {"covariance_matrix": constraints.positive_definite,
                "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky,
                "df": constraints.greater_than(self.event_shape[-1] - 1)}

    def __init__(self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        from .._gamma import Chi2

        given = [(name, m) for name, m in (("covariance_matrix", covariance_matrix),
                                           ("precision_matrix", precision_matrix),
                                           ("scale_tril", scale_tril)) if m is not None]
        if len(given) != 1:
            raise AssertionError("Exactly one of covariance_matrix or precision_matrix or "
                                 "scale_tril may be specified.")
        name, param = given[0]
        if param.dim() < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if isinstance(df, Tensor):
            batch = broadcast_shapes(tuple(param.shape[:-2]), tuple(df.shape))
            self.df = df.expand(batch)
        else:
            batch = tuple(param.shape[:-2])
            self.df = creation.tensor(df, dtype=param.dtype, device=param.device)
        event = tuple(param.shape[-2:])
        if bool(self.df.le(event[-1] - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = "
                             f"{event[-1] - 1}.")
        setattr(self, name, param.expand(batch + (-1, -1)))
        if bool(self.df.lt(event[-1]).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to occur "
                          "for ndim - 1 < df < ndim.", stacklevel=2)
        super().__init__(batch, event, validate_args)
        self._batch_dims = [-(x + 1) for x in range(len(self._batch_shape))]
        self._unbroadcasted_scale_tril = scale_tril if scale_tril is not None else \
            linalg.cholesky(covariance_matrix) if covariance_matrix is not None else \
            _precision_to_scale_tril(precision_matrix)
        steps = creation.arange(event[-1], dtype=param.dtype, device=param.device)
        self._dist_chi2 = Chi2(self.df.unsqueeze(-1) - steps.expand(batch + (-1,)))

    def expand(self, batch_shape, _instance=None):
        new = super().expand(batch_shape, _instance)
        new._batch_dims = [-(x + 1) for x in range(len(new._batch_shape))]
        return new

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        tril = self._unbroadcasted_scale_tril
        return (tril @ tril.mT).expand(self._batch_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        tril = self._unbroadcasted_scale_tril
        eye = creation.eye(self._event_shape[-1], dtype=tril.dtype, device=tril.device)
        return cholesky_solve(eye, tril).expand(self._batch_shape + self._event_shape)

    def _df(self) -> Tensor:
        return self.df.view(self._batch_shape + (1, 1))

    @property
    def mean(self) -> Tensor:
        return self._df() * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = where(factor <= 0, math.nan, factor)
        return factor.view(self._batch_shape + (1, 1)) * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        v = self.covariance_matrix
        d = v.diagonal(dim1=-2, dim2=-1)
        return self._df() * (v ** 2 + d.unsqueeze(-1) * d.unsqueeze(-2))

    def _bartlett(self, sample_shape) -> Tensor:
        from ..ops.arrange import tril_indices
        from ..runtime import finfo

        p = self._event_shape[-1]
        chi = self._dist_chi2.rsample(sample_shape).sqrt()
        noise = chi.clamp(min=finfo(chi.dtype).eps).diag_embed(dim1=-2, dim2=-1)
        i, j = tril_indices(p, p, offset=-1, device=noise.device)
        noise[..., i, j] = creation.randn(*(tuple(sample_shape) + self._batch_shape +
                                            (p * (p - 1) // 2,)), dtype=noise.dtype,
                                          device=noise.device)
        chol = self._unbroadcasted_scale_tril @ noise
        return chol @ chol.mT

    def rsample(self, sample_shape=(), max_try_correction=None) -> Tensor:
        """Bartlett samples; a singular one (possible for df near p - 1) is drawn again, up to
        max_try_correction times."""
        sample = self._bartlett(tuple(sample_shape))
        singular = ~self.support.check(sample)
        if self._batch_shape:
            singular = singular.amax(self._batch_dims)
        if bool(singular.any()):
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(10 if max_try_correction is None else max_try_correction):
                fresh = self._bartlett(tuple(sample_shape))
                keep = singular.reshape(tuple(singular.shape) +
                                        (1,) * (sample.dim() - singular.dim()))
                sample = where(keep, fresh, sample)
                singular = ~self.support.check(sample)
                if self._batch_shape:
                    singular = singular.amax(self._batch_dims)
                if not bool(singular.any()):
                    break
        return sample

    def _half_log_det_2sigma(self, p: int) -> Tensor:
        """log det(2 Sigma) / 2."""
        return p * _LOG_2 / 2 + self._unbroadcasted_scale_tril.diagonal(
            dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.df)
        nu, p = self.df, self._event_shape[-1]
        trace = cholesky_solve(value, self._unbroadcasted_scale_tril).diagonal(
            dim1=-2, dim2=-1).sum(-1)
        return (-nu * self._half_log_det_2sigma(p) - mvlgamma(nu / 2, p=p)
                + (nu - p - 1) / 2 * linalg.slogdet(value).logabsdet - trace / 2)

    def entropy(self) -> Tensor:
        nu, p = self.df, self._event_shape[-1]
        return ((p + 1) * self._half_log_det_2sigma(p) + mvlgamma(nu / 2, p=p)
                - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p=p) + nu * p / 2)

    @property
    def _natural_params(self):
        return -self.precision_matrix / 2, (self.df - self._event_shape[-1] - 1) / 2

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return (y + (p + 1) / 2) * (-linalg.slogdet(-2 * x).logabsdet + _LOG_2 * p) + \
            mvlgamma(y + (p + 1) / 2, p=p)
