"""The case table: one row per public transform, with the arguments to build it.

Each family keeps its rows in its own module (tests/cases_<family>.py) so that families grow
independently; this module joins them and finds the public transforms by introspection, so that
a transform without a row fails the suite.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field

import gpuaug
from gpuaug.compose import _Container
from gpuaug.core.transform import GeometricTransform, PixelTransform, Transform

FAMILIES = ["geometric", "crops", "color", "blur", "noise", "compression", "dropout"]


@dataclass
class Case:
    cls: type
    kwargs: dict = field(default_factory=dict)
    dtypes: tuple = ("uint8", "float32")
    channels: int = 3
    size: tuple = (40, 48)
    id: str = ""
    changes_dtype: bool = False     # Normalize, ToFloat, FromFloat
    touches_targets: bool = False   # a pixel transform that edits masks/boxes/keypoints (CoarseDropout)
    # compiled code may compute the same thing with other kernels than eager (a fused loop for a
    # convolution or for grid_sample): float results agree to this absolute tolerance, uint8
    # results to one level at rounding ties; masks, boxes and keypoints exactly
    compiled_atol: float = 1e-5

    def build(self, **overrides) -> Transform:
        return self.cls(**{**self.kwargs, **overrides})

    def __post_init__(self):
        if not self.id:
            self.id = self.cls.__name__


def all_cases() -> list[Case]:
    cases = []
    for family in FAMILIES:
        try:
            module = importlib.import_module(f"tests.cases_{family}")
        except ModuleNotFoundError as err:
            if err.name != f"tests.cases_{family}":
                raise
            continue
        cases.extend(module.CASES)
    return cases


def public_transforms() -> list[type]:
    """Every concrete transform gpuaug exports (containers and base classes excluded)."""
    out = []
    for name in gpuaug.__all__:
        obj = getattr(gpuaug, name)
        if inspect.isclass(obj) and issubclass(obj, Transform) and not issubclass(obj, _Container) \
                and obj not in (Transform, PixelTransform, GeometricTransform):
            out.append(obj)
    return out


CASES = all_cases()
