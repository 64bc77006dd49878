"""Pure kernels with explicit parameters and OpenCV semantics (no randomness).

Every function takes (B, C, H, W) or (C, H, W) tensors, uint8 or float, and per-sample values as
scalars or (B,) tensors.
"""
from .blur import *  # noqa: F401,F403
from .blur import __all__ as _blur
from .color import *  # noqa: F401,F403
from .color import __all__ as _color
from .compression import *  # noqa: F401,F403
from .compression import __all__ as _compression
from .dropout import *  # noqa: F401,F403
from .dropout import __all__ as _dropout
from .geometric import *  # noqa: F401,F403
from .geometric import __all__ as _geometric
from .noise import *  # noqa: F401,F403
from .noise import __all__ as _noise

__all__ = [*_geometric, *_color, *_blur, *_noise, *_compression, *_dropout]
