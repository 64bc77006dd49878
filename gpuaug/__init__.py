"""gpuaug: batched image augmentation for PyTorch on the GPU, with albumentations' names and
OpenCV's meaning: per-sample parameters, one resample per chain of geometric transforms, no host
syncs, and torch.compile(fullgraph=True) throughout."""
from . import functional
from .compose import *  # noqa: F401,F403
from .compose import __all__ as _compose
from .conversion import to_tensor
from .core.targets import BboxParams, KeypointParams
from .core.transform import GeometricTransform, PixelTransform, Transform
from .memory import retain_freed_memory
from .transforms.blur import *  # noqa: F401,F403
from .transforms.blur import __all__ as _blur
from .transforms.color import *  # noqa: F401,F403
from .transforms.color import __all__ as _color
from .transforms.compression import *  # noqa: F401,F403
from .transforms.compression import __all__ as _compression
from .transforms.crops import *  # noqa: F401,F403
from .transforms.crops import __all__ as _crops
from .transforms.dropout import *  # noqa: F401,F403
from .transforms.dropout import __all__ as _dropout
from .transforms.geometric import *  # noqa: F401,F403
from .transforms.geometric import __all__ as _geometric
from .transforms.noise import *  # noqa: F401,F403
from .transforms.noise import __all__ as _noise

__version__ = "0.1.0"

__all__ = [*_compose, *_geometric, *_crops, *_color, *_blur, *_noise, *_compression, *_dropout,
           "BboxParams", "KeypointParams", "Transform", "PixelTransform", "GeometricTransform",
           "functional", "to_tensor", "retain_freed_memory"]
