"""Argument checking shared by every transform: clear errors, raised when a transform is built."""
from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

INTERPOLATIONS = ("nearest", "nearest_exact", "linear", "cubic", "area")
BORDER_MODES = ("constant", "replicate", "reflect", "wrap", "reflect_101")

# cv2.INTER_* and cv2.BORDER_* integers, so that albumentations code ports unchanged.
_CV2_INTERPOLATION = {0: "nearest", 1: "linear", 2: "cubic", 3: "area", 5: "linear", 6: "nearest_exact"}
_CV2_BORDER = {0: "constant", 1: "replicate", 2: "reflect", 3: "wrap", 4: "reflect_101"}
_BORDER_ALIASES = {"reflect101": "reflect_101", "reflect-101": "reflect_101", "edge": "replicate",
                   "circular": "wrap", "zeros": "constant", "border": "replicate"}


def _describe(value) -> str:
    return f"{value!r} ({type(value).__name__})"


def check_p(p, name: str = "p") -> float:
    if isinstance(p, bool) or not isinstance(p, Real):
        raise TypeError(f"{name} must be a number in [0, 1], got {_describe(p)}")
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {p}")
    return float(p)


def check_number(value, name: str, *, low: float | None = None, high: float | None = None,
                 low_inclusive: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise TypeError(f"{name} must be a finite number, got {_describe(value)}")
    value = float(value)
    if low is not None and (value < low or (value == low and not low_inclusive)):
        bound = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {bound} {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def check_int(value, name: str, *, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {_describe(value)}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def to_range(value, name: str, *, symmetric: bool = False, bias: float = 0.0,
             low: float | None = None, high: float | None = None) -> tuple[float, float]:
    """A (min, max) range from a number or a pair, as albumentations reads its `*_limit` / `*_range` args.

    A single number v gives (-v, v) when `symmetric`, else (v, v); `bias` is added to both ends
    (albumentations' `scale_limit=0.1` means (0.9, 1.1): symmetric with bias 1).
    """
    if isinstance(value, Real) and not isinstance(value, bool):
        v = check_number(value, name)
        lo, hi = (-abs(v), abs(v)) if symmetric else (v, v)
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        lo = check_number(value[0], f"{name}[0]")
        hi = check_number(value[1], f"{name}[1]")
    else:
        raise TypeError(f"{name} must be a number or a (min, max) pair, got {_describe(value)}")
    lo, hi = lo + bias, hi + bias
    if lo > hi:
        raise ValueError(f"{name} must have min <= max, got ({lo}, {hi})")
    if low is not None and lo < low:
        raise ValueError(f"{name} must lie in [{low}, {high if high is not None else 'inf'}], got ({lo}, {hi})")
    if high is not None and hi > high:
        raise ValueError(f"{name} must lie in [{low if low is not None else '-inf'}, {high}], got ({lo}, {hi})")
    return (lo, hi)


def to_int_range(value, name: str, *, low: int | None = None) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        pair = (value, value)
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        pair = (check_int(value[0], f"{name}[0]"), check_int(value[1], f"{name}[1]"))
    else:
        raise TypeError(f"{name} must be an int or a (min, max) pair of ints, got {_describe(value)}")
    if pair[0] > pair[1]:
        raise ValueError(f"{name} must have min <= max, got {pair}")
    if low is not None and pair[0] < low:
        raise ValueError(f"{name} must be >= {low}, got {pair}")
    return pair


def to_size(value, name: str) -> tuple[int, int]:
    """(height, width) from an int or a pair of positive ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    if not (isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2):
        raise TypeError(f"{name} must be an int or a (height, width) pair, got {_describe(value)}")
    h = check_int(value[0], f"{name}[0] (height)", low=1)
    w = check_int(value[1], f"{name}[1] (width)", low=1)
    return (h, w)


def parse_interpolation(value, name: str = "interpolation") -> str:
    if isinstance(value, str):
        key = value.lower()
        key = {"bilinear": "linear", "bicubic": "cubic"}.get(key, key)
        if key in INTERPOLATIONS:
            return key
    elif isinstance(value, int) and not isinstance(value, bool):
        if value in _CV2_INTERPOLATION:
            return _CV2_INTERPOLATION[value]
    raise ValueError(f"{name} must be one of {INTERPOLATIONS} or a cv2.INTER_* flag "
                     f"(0, 1, 2, 3, 5, 6), got {_describe(value)}")


def parse_border(value, name: str = "border_mode") -> str:
    if isinstance(value, str):
        key = _BORDER_ALIASES.get(value.lower(), value.lower())
        if key in BORDER_MODES:
            return key
    elif isinstance(value, int) and not isinstance(value, bool):
        if value in _CV2_BORDER:
            return _CV2_BORDER[value]
    raise ValueError(f"{name} must be one of {BORDER_MODES} or a cv2.BORDER_* flag (0-4), "
                     f"got {_describe(value)}")


def parse_fill(value, name: str = "fill") -> float | tuple[float, ...]:
    """A scalar or per-channel fill value."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return check_number(value, name)
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) > 0:
        return tuple(check_number(v, f"{name}[{i}]") for i, v in enumerate(value))
    raise TypeError(f"{name} must be a number or a sequence of per-channel numbers, got {_describe(value)}")


def check_choice(value, name: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {_describe(value)}")
    return value
