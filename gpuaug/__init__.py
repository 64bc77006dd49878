"""gpuaug: batched image augmentation for PyTorch on the GPU, with albumentations' names and
OpenCV's meaning."""
from . import functional
from .compose import *  # noqa: F401,F403
from .compose import __all__ as _compose_all
from .core.targets import BboxParams, KeypointParams
from .core.transform import GeometricTransform, PixelTransform, Transform
from .transforms.crops import *  # noqa: F401,F403
from .transforms.crops import __all__ as _crops_all
from .transforms.geometric import *  # noqa: F401,F403
from .transforms.geometric import __all__ as _geometric_all

__version__ = "0.1.0"

__all__ = [*_compose_all, *_crops_all, *_geometric_all, "BboxParams", "KeypointParams",
           "Transform", "PixelTransform", "GeometricTransform", "functional"]
