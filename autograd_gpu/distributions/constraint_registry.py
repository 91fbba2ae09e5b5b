"""biject_to and transform_to: for a constraint, a transform from unconstrained reals onto
the constrained set (optimise in the reals, read the parameter through the transform).

biject_to(c) is a bijection (its inverse and log |det Jacobian| are exact, for densities);
transform_to(c) only has to land in c (for the simplex: softmax rather than stick
breaking). Both look a constraint up by its class, as PyTorch's registries do, and take
new entries through register()."""
from __future__ import annotations

from numbers import Number

from . import constraints, transforms

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]


class ConstraintRegistry:
    """A table from constraint classes to functions that build a transform for one."""

    def __init__(self):
        self._registry = {}

    def register(self, constraint, factory=None):
        """factory(constraint) -> Transform for constraints of this class (or of the class of
        this singleton constraint); used as a decorator when factory is not given."""
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        if not isinstance(constraint, type) or not issubclass(constraint,
                                                              constraints.Constraint):
            raise TypeError(f"Expected constraint to be either a Constraint subclass or "
                            f"instance, but got {constraint}")
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint):
        try:
            factory = self._registry[type(constraint)]
        except KeyError:
            raise NotImplementedError(f"Cannot transform {type(constraint).__name__} "
                                      f"constraints") from None
        return factory(constraint)


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _both(*keys):
    """Register the decorated factory for keys in both registries."""
    def deco(factory):
        for key in keys:
            biject_to.register(key, factory)
            transform_to.register(key, factory)
        return factory
    return deco


@_both(constraints.real)
def _identity(constraint):
    return transforms.identity_transform


# (the positive and nonnegative singletons share their classes with greater_than and
# greater_than_eq, so those classes' factory serves them too, as in PyTorch)
@_both(constraints.greater_than, constraints.greater_than_eq)
def _greater_than(constraint):
    return transforms.ComposeTransform([transforms.ExpTransform(),
                                        transforms.AffineTransform(constraint.lower_bound, 1)])


@_both(constraints.less_than)
def _less_than(constraint):
    return transforms.ComposeTransform([transforms.ExpTransform(),
                                        transforms.AffineTransform(constraint.upper_bound, -1)])


@_both(constraints.interval, constraints.half_open_interval)
def _interval(constraint):
    low, high = constraint.lower_bound, constraint.upper_bound
    if isinstance(low, Number) and low == 0 and isinstance(high, Number) and high == 1:
        return transforms.SigmoidTransform()
    return transforms.ComposeTransform([transforms.SigmoidTransform(),
                                        transforms.AffineTransform(low, high - low)])


biject_to.register(constraints.simplex, lambda c: transforms.StickBreakingTransform())
transform_to.register(constraints.simplex, lambda c: transforms.SoftmaxTransform())
transform_to.register(constraints.lower_cholesky, lambda c: transforms.LowerCholeskyTransform())
for _key in (constraints.positive_definite, constraints.positive_semidefinite):
    transform_to.register(_key, lambda c: transforms.PositiveDefiniteTransform())
_both(constraints.corr_cholesky)(lambda c: transforms.CorrCholeskyTransform())


def _nested(registry, constraint):
    """An independent, cat or stack constraint's transform, built from its inner
    constraints' transforms in the same registry."""
    if isinstance(constraint, constraints._IndependentConstraint):
        return transforms.IndependentTransform(registry(constraint.base_constraint),
                                               constraint.reinterpreted_batch_ndims)
    parts = [registry(c) for c in constraint.cseq]
    if isinstance(constraint, constraints._Cat):
        return transforms.CatTransform(parts, constraint.dim, constraint.lengths)
    return transforms.StackTransform(parts, constraint.dim)


for _registry in (biject_to, transform_to):
    for _key in (constraints.independent, constraints.cat, constraints.stack):
        _registry.register(_key, lambda c, registry=_registry: _nested(registry, c))
