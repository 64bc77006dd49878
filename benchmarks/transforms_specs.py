"""One benchmark per catalogue transform, with its nearest peer in each library.

gpuaug and albumentations take the same arguments (that is the point of the port), so one
``kwargs`` builds both; kornia and torchvision get their closest equivalent with comparable
ranges. A peer without an equivalent is left out rather than approximated by something else.
"""
from __future__ import annotations

from typing import Callable

import gpuaug as A

from .specs import Bench, _albu, _kornia, _tv, albu_image, gpuaug_image, kornia_image, tv_batch, tv_loop


def _same(name: str, kwargs: Callable[[int], dict]):
    """gpuaug and albumentations from the same keyword arguments."""
    def ours(size):
        return gpuaug_image(getattr(A, name)(**kwargs(size)))

    def theirs(size):
        Alb = _albu()
        return albu_image(Alb.Compose([getattr(Alb, name)(**kwargs(size))]))
    return ours, theirs


def _k(name: str, kwargs: Callable[[int], dict]):
    return lambda size: kornia_image(getattr(_kornia(), name)(**kwargs(size)))


def _tv_pair(name: str, kwargs: Callable[[int], dict]):
    loop = lambda size: tv_loop(getattr(_tv(), name)(**kwargs(size)))  # noqa: E731
    batch = lambda size: tv_batch(getattr(_tv(), name)(**kwargs(size)))  # noqa: E731
    return loop, batch


def bench(name: str, family: str, kwargs, kornia=None, torchvision=None, note: str = "") -> Bench:
    ours, theirs = _same(name, kwargs)
    k = None if kornia is None else _k(*kornia)
    loop, batch = (None, None) if torchvision is None else _tv_pair(*torchvision)
    return Bench(name, family, ours, k, loop, batch, theirs, note)


def _crop(s):
    return s * 7 // 8


GEOMETRIC = [
    bench("HorizontalFlip", "geometric", lambda s: dict(p=1.0),
          ("RandomHorizontalFlip", lambda s: dict(p=1.0)), ("RandomHorizontalFlip", lambda s: dict(p=1.0))),
    bench("VerticalFlip", "geometric", lambda s: dict(p=1.0),
          ("RandomVerticalFlip", lambda s: dict(p=1.0)), ("RandomVerticalFlip", lambda s: dict(p=1.0))),
    bench("Transpose", "geometric", lambda s: dict(p=1.0)),
    bench("RandomRotate90", "geometric", lambda s: dict(p=1.0),
          ("RandomRotation90", lambda s: dict(times=(0, 3), p=1.0))),
    bench("Rotate", "geometric", lambda s: dict(limit=30, p=1.0),
          ("RandomRotation", lambda s: dict(degrees=30.0, p=1.0)),
          ("RandomRotation", lambda s: dict(degrees=30.0))),
    bench("SafeRotate", "geometric", lambda s: dict(limit=30, p=1.0)),
    bench("Affine", "geometric",
          lambda s: dict(rotate=(-15, 15), scale=(0.9, 1.1), shear=(-5, 5),
                         translate_percent=(-0.1, 0.1), p=1.0),
          ("RandomAffine", lambda s: dict(degrees=15, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=5, p=1.0)),
          ("RandomAffine", lambda s: dict(degrees=15, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=5))),
    bench("ShiftScaleRotate", "geometric", lambda s: dict(p=1.0),
          ("RandomAffine", lambda s: dict(degrees=45, translate=(0.0625, 0.0625), scale=(0.9, 1.1), p=1.0)),
          ("RandomAffine", lambda s: dict(degrees=45, translate=(0.0625, 0.0625), scale=(0.9, 1.1)))),
    bench("Perspective", "geometric", lambda s: dict(scale=(0.05, 0.1), p=1.0),
          ("RandomPerspective", lambda s: dict(distortion_scale=0.3, p=1.0)),
          ("RandomPerspective", lambda s: dict(distortion_scale=0.3, p=1.0))),
    bench("Resize", "geometric", lambda s: dict(height=_crop(s), width=_crop(s)),
          ("Resize", lambda s: dict(size=(_crop(s), _crop(s)))),
          ("Resize", lambda s: dict(size=(_crop(s), _crop(s)), antialias=False))),
    bench("LongestMaxSize", "geometric", lambda s: dict(max_size=_crop(s)),
          ("LongestMaxSize", lambda s: dict(max_size=_crop(s)))),
    bench("SmallestMaxSize", "geometric", lambda s: dict(max_size=_crop(s)),
          ("SmallestMaxSize", lambda s: dict(max_size=_crop(s))),
          ("Resize", lambda s: dict(size=_crop(s), antialias=False))),
    bench("PadIfNeeded", "geometric", lambda s: dict(min_height=s + 32, min_width=s + 32),
          ("PadTo", lambda s: dict(size=(s + 32, s + 32))),
          ("Pad", lambda s: dict(padding=16))),
]

CROPS = [
    bench("RandomCrop", "crops", lambda s: dict(height=_crop(s), width=_crop(s)),
          ("RandomCrop", lambda s: dict(size=(_crop(s), _crop(s)))),
          ("RandomCrop", lambda s: dict(size=(_crop(s), _crop(s))))),
    bench("CenterCrop", "crops", lambda s: dict(height=_crop(s), width=_crop(s)),
          ("CenterCrop", lambda s: dict(size=(_crop(s), _crop(s)))),
          ("CenterCrop", lambda s: dict(size=(_crop(s), _crop(s))))),
    bench("Crop", "crops", lambda s: dict(x_min=8, y_min=8, x_max=8 + _crop(s), y_max=8 + _crop(s))),
    bench("RandomResizedCrop", "crops", lambda s: dict(size=(_crop(s), _crop(s))),
          ("RandomResizedCrop", lambda s: dict(size=(_crop(s), _crop(s)))),
          ("RandomResizedCrop", lambda s: dict(size=(_crop(s), _crop(s)), antialias=False))),
    bench("RandomSizedCrop", "crops", lambda s: dict(min_max_height=(s // 2, s), size=(_crop(s), _crop(s)))),
]


def transform_benches() -> list[Bench]:
    """Every catalogue transform that gpuaug exports and has a benchmark row."""
    rows = GEOMETRIC + CROPS
    extra = []
    try:
        from .pixel_specs import PIXEL
        extra = PIXEL
    except ImportError:
        pass
    return [b for b in rows + extra if hasattr(A, b.name)]
