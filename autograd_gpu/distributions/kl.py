"""torch.distributions.kl: kl_divergence and register_kl (defined with the distributions)."""
from . import kl_divergence, register_kl

__all__ = ["register_kl", "kl_divergence"]
