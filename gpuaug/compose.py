"""Containers: Compose, OneOf, SomeOf, Sequential, OneOrOther, RandomOrder.

Every choice is per sample and becomes a (B,) mask handed to the children, so nothing branches on
data and consecutive geometric children still join one chain: the whole run of geometric
transforms is resampled once (``fuse=True``). The cost of a per-sample choice among pixel
transforms is that each candidate runs over the batch with neutral parameters where not chosen.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence

import torch
from torch import Tensor, nn

from .core import geometry
from .core.state import TARGET_KINDS
from .core.targets import BboxParams, KeypointParams
from .core.transform import GeometricTransform, Params, Transform, combine_masks
from .core.validation import check_int, check_p

__all__ = ["Compose", "OneOf", "SomeOf", "Sequential", "OneOrOther", "RandomOrder"]

_RESERVED = {"image", "mask", "bboxes", "keypoints", "bbox_valid", "keypoint_valid", "params"}


def _check_transforms(transforms, name: str = "transforms") -> list[Transform]:
    if isinstance(transforms, Transform) or not isinstance(transforms, Sequence):
        raise TypeError(f"{name} must be a list of gpuaug transforms, got {type(transforms).__name__}")
    for i, t in enumerate(transforms):
        if not isinstance(t, Transform):
            raise TypeError(f"{name}[{i}] must be a gpuaug transform, got {type(t).__name__}")
    return list(transforms)


class _Container(Transform):
    def __init__(self, transforms, p: float, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.transforms = nn.ModuleList(_check_transforms(transforms))

    def _own_draws(self, rng, params, force) -> tuple[object, Tensor | None]:
        """(rng for the children, this container's apply mask)."""
        rng = self._rng(rng)
        if params is not None:
            return rng, params.get("apply")
        return rng, None if force or self.p >= 1.0 else rng.bernoulli(self.p)

    def __len__(self) -> int:
        return len(self.transforms)

    def __getitem__(self, i):
        return self.transforms[i]


class Compose(_Container):
    """Apply transforms in sequence; consecutive geometric ones are resampled once.

    Args:
        transforms: the transforms (or containers) to apply.
        bbox_params: a BboxParams (or a dict of its fields) for ``bboxes``.
        keypoint_params: a KeypointParams (or a dict) for ``keypoints``.
        additional_targets: extra keys and their kind, e.g. ``{"image2": "image", "mask2":
            "mask"}``: transformed with the same draws as the main target.
        p: per-sample probability of applying the whole pipeline.
        seed: reproducible draws for every child (see Transform).
        fuse: resample each run of geometric transforms once (default). ``fuse=False`` resamples
            after every geometric transform, for bit-compatibility with sequential application.
            Fusion is sharper (one interpolation instead of several) and reads the source where
            an intermediate frame's own border would have been interpolated.

    Examples:
        >>> import gpuaug as A
        >>> aug = A.Compose([A.HorizontalFlip(p=1.0)], seed=0)
        >>> aug(torch.arange(4.).view(1, 1, 1, 4) / 4)[0, 0, 0]
        tensor([0.7500, 0.5000, 0.2500, 0.0000])
    """

    def __init__(self, transforms, bbox_params=None, keypoint_params=None,
                 additional_targets: dict[str, str] | None = None, p: float = 1.0,
                 seed: int | None = None, fuse: bool = True, same_on_batch: bool = False):
        super().__init__(transforms, p=p, same_on_batch=same_on_batch, seed=seed)
        if isinstance(bbox_params, dict):
            bbox_params = BboxParams(**bbox_params)
        if isinstance(keypoint_params, dict):
            keypoint_params = KeypointParams(**keypoint_params)
        if bbox_params is not None and not isinstance(bbox_params, BboxParams):
            raise TypeError(f"bbox_params must be a BboxParams or dict, got {type(bbox_params).__name__}")
        if keypoint_params is not None and not isinstance(keypoint_params, KeypointParams):
            raise TypeError("keypoint_params must be a KeypointParams or dict, "
                            f"got {type(keypoint_params).__name__}")
        targets = dict(additional_targets or {})
        for key, kind in targets.items():
            if kind not in TARGET_KINDS:
                raise ValueError(f"additional_targets[{key!r}] must be one of {TARGET_KINDS}, got {kind!r}")
            if key in _RESERVED:
                raise ValueError(f"additional_targets cannot redefine the reserved key {key!r}")
        self.bbox_params = bbox_params
        self.keypoint_params = keypoint_params
        self.additional_targets = targets
        self.fuse = bool(fuse)

    def _run(self, state, rng, params, mask, force=False):
        rng, apply = self._own_draws(rng, params, force)
        inner = combine_masks(apply, mask)
        outer_fuse, state.fuse = state.fuse, state.fuse and self.fuse
        used = []
        for i, t in enumerate(self.transforms):
            used.append(t._run(state, rng, None if params is None else params["transforms"][i], inner))
        state.fuse = outer_fuse
        return {"apply": apply, "transforms": used}


class Sequential(_Container):
    """Apply all transforms in order (each with its own p) to the samples that pass ``p``."""

    def __init__(self, transforms, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(transforms, p=p, same_on_batch=same_on_batch, seed=seed)

    def _run(self, state, rng, params, mask, force=False):
        rng, apply = self._own_draws(rng, params, force)
        inner = combine_masks(apply, mask)
        used = [t._run(state, rng, None if params is None else params["transforms"][i], inner)
                for i, t in enumerate(self.transforms)]
        return {"apply": apply, "transforms": used}


class OneOf(_Container):
    """Apply exactly one of the transforms per sample; children's ``p`` are selection weights
    (the chosen child is applied regardless of its own p, as in albumentations).

    Geometric children join the surrounding chain. When every child is geometric and they
    change the image size, they must agree on the output size (the batch keeps one shape); the
    per-sample choice is then a choice of matrix.
    """

    def __init__(self, transforms, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(transforms, p=p, same_on_batch=same_on_batch, seed=seed)
        if not self.transforms:
            raise ValueError("OneOf needs at least one transform")
        self.weights = [t.p for t in self.transforms]
        if sum(self.weights) <= 0:
            raise ValueError("OneOf: the children's p (selection weights) sum to 0")

    def _run(self, state, rng, params, mask, force=False):
        rng, apply = self._own_draws(rng, params, force)
        choice = params["choice"] if params is not None else rng.choice(self.weights)
        inner = combine_masks(apply, mask)
        children = list(self.transforms)
        sizes = {tuple(t.output_size(state.size)) for t in children
                 if isinstance(t, GeometricTransform)}
        if all(isinstance(t, GeometricTransform) for t in children) \
                and sizes != {tuple(state.size)}:
            used = self._select_matrix(state, rng, params, choice, inner, sizes)
        else:
            if any(s != tuple(state.size) for s in sizes):
                raise ValueError("OneOf mixes pixel transforms with size-changing geometric ones; "
                                 "the batch could not keep one shape")
            used = []
            for i, t in enumerate(children):
                sub = combine_masks(choice == i, inner)
                used.append(t._run(state, rng, None if params is None else params["transforms"][i],
                                   sub, force=True))
        return {"apply": apply, "choice": choice, "transforms": used}

    def _select_matrix(self, state, rng, params, choice, inner, sizes):
        if len(sizes) != 1:
            raise ValueError(f"OneOf's geometric children must produce one output size, got {sorted(sizes)}")
        out_size = sizes.pop()
        size = state.size
        used, matrix, whole_pixels = [], None, True
        for i, t in enumerate(self.transforms):
            p_i = (Params.of(params["transforms"][i], state.batch_size, state.device)
                   if params is not None
                   else t._draw(rng, state.batch_size, size, force=True, channels=state.channels))
            used.append(p_i)
            m_i = t.placed_matrix(p_i, size, None)
            whole_pixels &= p_i.get("apply") is None or t.skip_is_integer(size)
            matrix = m_i if matrix is None else torch.where((choice == i)[:, None, None], m_i, matrix)
        if inner is not None:
            like = torch.zeros(state.batch_size, device=state.device, dtype=geometry.DTYPE)
            matrix = torch.where(inner[:, None, None], matrix, geometry.resize(size, out_size, like=like))
            whole_pixels &= tuple(out_size) == tuple(size)
        settings = self.transforms[0].warp_settings()
        for t in self.transforms:
            s = t.warp_settings()
            if s["interpolation"] not in (None, settings["interpolation"]) \
                    and settings["interpolation"] is not None:
                raise ValueError("OneOf's size-changing geometric children must share one interpolation")
            settings["interpolation"] = settings["interpolation"] or s["interpolation"]
            if settings["border"] is None and s["border"] is not None:
                settings.update(border=s["border"], fill=s["fill"], fill_mask=s["fill_mask"])
            settings["axis_aligned"] &= s["axis_aligned"]
            settings["exact"] &= s["exact"]
            settings["integer"] &= s["integer"]
            settings["projective"] |= s["projective"]
        settings["integer"] &= whole_pixels
        state.add_geometry(matrix, out_size, **settings)
        return used


class OneOrOther(OneOf):
    """Apply ``first`` with probability ``p`` of the selection, else ``second`` (either forced)."""

    def __init__(self, first: Transform | None = None, second: Transform | None = None,
                 transforms=None, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        if transforms is None:
            if first is None or second is None:
                raise ValueError("OneOrOther needs first and second, or transforms=[first, second]")
            transforms = [first, second]
        _Container.__init__(self, transforms, p=1.0, same_on_batch=same_on_batch, seed=seed)
        if len(self.transforms) != 2:
            raise ValueError(f"OneOrOther takes two transforms, got {len(self.transforms)}")
        self.select_p = check_p(p)
        self.weights = [self.select_p, 1.0 - self.select_p]


class SomeOf(_Container):
    """Apply ``n`` transforms chosen per sample (uniformly, in list order), each with its own p.

    With ``replace=True`` a transform may be chosen, and applied, more than once.
    """

    def __init__(self, transforms, n: int = 1, replace: bool = False, p: float = 1.0,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(transforms, p=p, same_on_batch=same_on_batch, seed=seed)
        self.n = check_int(n, "n", low=0)
        self.replace = bool(replace)
        if not self.replace and self.n > len(self.transforms):
            warnings.warn(f"n={n} is greater than the number of transforms; n is set to "
                          f"{len(self.transforms)}", UserWarning, stacklevel=2)
            self.n = len(self.transforms)

    def _counts(self, rng) -> Tensor:
        """(B, k) int64: how many times each child is chosen for each sample."""
        k = len(self.transforms)
        if self.replace:
            picks = rng.integers(0, k - 1, (self.n,))
            return torch.nn.functional.one_hot(picks, k).sum(1)
        ranks = torch.argsort(torch.argsort(rng.uniform(shape=(k,)), dim=1), dim=1)
        return (ranks < self.n).to(torch.int64)

    def _run(self, state, rng, params, mask, force=False):
        rng, apply = self._own_draws(rng, params, force)
        counts = params["counts"] if params is not None else self._counts(rng)
        inner = combine_masks(apply, mask)
        used = []
        repeats = self.n if self.replace else 1
        for i, t in enumerate(self.transforms):
            runs = []
            for r in range(repeats):
                sub = combine_masks(counts[:, i] > r, inner)
                runs.append(t._run(state, rng,
                                   None if params is None else params["transforms"][i][r], sub))
            used.append(runs)
        return {"apply": apply, "counts": counts, "transforms": used}


class RandomOrder(SomeOf):
    """Apply ``n`` transforms chosen per sample in a random per-sample order, each with its own p.

    Geometric children must keep the image size. Each step runs every child over the batch with
    the samples that chose it, so the cost is ``n x len(transforms)`` child runs (geometric ones
    are matrix products and still cost one resample in all).
    """

    def __init__(self, transforms, n: int = 1, replace: bool = False, p: float = 1.0,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(transforms, n=n, replace=replace, p=p, same_on_batch=same_on_batch,
                         seed=seed)

    def _run(self, state, rng, params, mask, force=False):
        rng, apply = self._own_draws(rng, params, force)
        k = len(self.transforms)
        if params is not None:
            order = params["order"]
        elif self.replace:
            order = rng.integers(0, k - 1, (self.n,))
        else:
            order = rng.permutation(k)[:, :self.n]
        inner = combine_masks(apply, mask)
        used = []
        for step in range(self.n):
            step_used = []
            for i, t in enumerate(self.transforms):
                sub = combine_masks(order[:, step] == i, inner)
                step_used.append(t._run(state, rng,
                                        None if params is None else params["steps"][step][i], sub))
            used.append(step_used)
        return {"apply": apply, "order": order, "steps": used}
