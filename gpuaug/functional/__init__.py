"""Pure kernels with explicit parameters and OpenCV semantics (no randomness)."""
from .geometric import *  # noqa: F401,F403
from .geometric import __all__ as _geometric_all

__all__ = [*_geometric_all]
