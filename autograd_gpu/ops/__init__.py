"""The op table: every differentiable op, its forward and its derivative side by side.

Importing this package attaches the ops to Tensor as methods and operators.
"""
from . import (activation, arrange, composite, conversion, extra, indexing,  # noqa: F401
               inplace, linalg, nn_ops, numeric, pointwise, reduction, shape, strided, views)
from . import placement  # noqa: F401,E402
from . import segments  # noqa: F401,E402
from . import aliases  # noqa: F401,E402  (after every op it spells another way)
from ._core import REGISTRY
from .activation import log_softmax, softmax
from .strided import as_strided, as_strided_scatter  # noqa: F401
from .aliases import *  # noqa: F403
from .placement import *  # noqa: F403
from .segments import *  # noqa: F403
from .arrange import *  # noqa: F403
from .composite import *  # noqa: F403
from .conversion import clone, to
from .extra import (allclose, argsort, cumprod, cumsum, equal, flip, isclose, norm, outer, repeat,
                    sort, topk, tril, triu)
from .indexing import gather, masked_fill, nonzero
from .linalg import bmm, dot, einsum, matmul, mm, mv
from .nn_ops import erf
from .numeric import *  # noqa: F403
from .pointwise import (abs, acos, acosh, add, arccos, arccosh, arcsin, arcsinh, arctan,
                        arctanh, asin, asinh, atan, atanh, bitwise_and, bitwise_not,
                        bitwise_or, bitwise_xor, ceil, clamp, cos, cosh, div, eq, exp, expm1,
                        fix, floor, floor_divide, fmod, frac, ge, gt, isfinite, isinf, isnan, le,
                        log, log1p, log2, log10, logical_and, logical_not, logical_or, lt,
                        maximum, minimum, mul, ne, neg, pow, reciprocal, relu, remainder, round,
                        rsqrt, rsub, sigmoid, sign, sin, sinh, sqrt, square, sub, tan, tanh,
                        trunc, where)
from .reduction import (all, amax, amin, any, argmax, argmin, count_nonzero, max, mean, min,
                        prod, std, sum, var)
from .shape import (broadcast_tensors, broadcast_to, cat, chunk, expand, flatten, permute,
                    reshape, split, squeeze, stack, t, transpose, unbind, unflatten, unsqueeze,
                    view)

__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and not isinstance(v, type(views))] + ["REGISTRY"]
