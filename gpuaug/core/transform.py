"""The base classes: the whole contract of a transform.

* ``sample(rng, batch_size, image_size)`` draws every parameter as a (B, ...) tensor on the data's
  device. All randomness lives here.
* ``PixelTransform.apply(image, params, max_value=...)`` is pure: a float (B, C, H, W) image in,
  the transformed image out.
* ``GeometricTransform.matrix(params, image_size)`` says where pixels go: (B, 3, 3) source pixel ->
  destination pixel; ``output_size(image_size)`` is static. The base class warps images (one
  resample per chain), masks (nearest), boxes and keypoints from that one description.
* Per-sample ``p``: a skipped sample gets the identity matrix (or the plain resize a size-changing
  transform must still do), and a pixel transform's neutral parameters where it declares them
  (``identity_params``), else a ``torch.where``. No branch ever depends on data.
"""
from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import Tensor, nn

from . import constants, geometry
from .random import Random, seed_tensor, seeded_key
from .state import TARGET_KINDS, State
from .targets import BboxParams, KeypointParams
from .tensors import pick_samples
from .validation import (check_int, check_p, parse_border, parse_fill, parse_interpolation)

class Params:
    """Sampled parameters: a mapping of names to (B, ...) tensors that also knows its batch and
    device. Not a ``dict`` subclass: torch 2.4's Dynamo cannot build one inside a graph; it reads
    and writes like one (``[]``, ``in``, ``get``, ``keys`` / ``values`` / ``items``, ``len``,
    iteration, ``del``, ``pop``, ``update``, ``copy``, ``==``, ``dict(params)``)."""

    def __init__(self, values=(), batch_size: int = 0, device=None):
        self.data = dict(values)
        self.batch_size = batch_size
        self.device = torch.device("cpu") if device is None else torch.device(device)

    @classmethod
    def of(cls, values, batch_size: int, device) -> "Params":
        if isinstance(values, cls):
            values.batch_size, values.device = batch_size, torch.device(device)
            return values
        return cls(values.items(), batch_size, device)

    def __getitem__(self, name: str):
        return self.data[name]

    def __setitem__(self, name: str, value) -> None:
        self.data[name] = value

    def __contains__(self, name) -> bool:
        return name in self.data

    def __iter__(self):
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __eq__(self, other) -> bool:
        return self.data == (other.data if isinstance(other, Params) else other)

    def __repr__(self) -> str:
        return f"Params({self.data!r})"

    def get(self, name: str, default=None):
        return self.data.get(name, default)

    def keys(self):
        return self.data.keys()

    def values(self):
        return self.data.values()

    def items(self):
        return self.data.items()

    def __delitem__(self, name: str) -> None:
        del self.data[name]

    def pop(self, name: str, *default):
        return self.data.pop(name, *default)

    def update(self, other=(), **values) -> None:
        self.data.update(other, **values)

    def copy(self) -> "Params":
        return Params(self.data.items(), self.batch_size, self.device)

    def like(self) -> Tensor:
        """A (B,) float64 zero view on the batch's device (shape and device for the matrix
        builders; a broadcast constant, so it costs no kernel)."""
        return geometry.scalar(0.0, self.device).expand(self.batch_size)


def combine_masks(a: Tensor | None, b: Tensor | None) -> Tensor | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


class Transform(nn.Module):
    """Base of every transform and container.

    Args:
        p: per-sample probability of applying the transform.
        same_on_batch: draw one set of parameters (and one apply decision) for the whole batch.
        seed: make this transform's draws reproducible: a counter-based stream of its own, the
            same on CPU and CUDA, eager and compiled. Without it, torch's default generator on
            the data's device governs (``torch.manual_seed`` works).
    """

    # transforms whose draws depend on the number of channels (per-channel noise, random colours)
    # declare it, and their ``sample`` receives ``channels=`` (the widest image of the call)
    sample_needs_channels: ClassVar[bool] = False

    bbox_params: BboxParams | None = None
    keypoint_params: KeypointParams | None = None
    additional_targets: dict[str, str] | None = None
    fuse: bool = True

    def __init__(self, p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__()
        self.p = check_p(p)
        self.same_on_batch = bool(same_on_batch)
        self.seed = seed

    @property
    def seed(self) -> int | None:
        return self._seed

    @seed.setter
    def seed(self, value: int | None) -> None:
        self._seed = None if value is None else check_int(value, "seed", low=0)
        if self._seed is not None:
            if "_calls" not in self._buffers:
                self.register_buffer("_calls", torch.zeros((), dtype=torch.int64), persistent=False)
            self.register_buffer("_seed_words", seed_tensor(self._seed).to(self._calls.device),
                                 persistent=False)

    # ---- the subclass API ---------------------------------------------------------------
    def sample(self, rng: Random, batch_size: int, image_size: tuple[int, int]) -> Params:
        """Draw this transform's parameters for a batch: a dict of (B, ...) tensors."""
        return {}

    def _run(self, state: State, rng: Random, params: Params | None,
             mask: Tensor | None, force: bool = False) -> Params:
        """Transform ``state`` in place for the samples where ``mask`` (B,) holds (``force``:
        ignore ``p``, as a container's chosen child); return the parameters used, for replay."""
        raise NotImplementedError

    # ---- drawing --------------------------------------------------------------------------
    def _rng(self, rng: Random) -> Random:
        """This transform's source of draws: its own seeded stream when it has a seed."""
        if self.seed is None:
            return rng.shared(self.same_on_batch)
        calls, words = self._calls, self._seed_words
        if calls.device != rng.device:
            calls = self._calls = calls.to(rng.device)
            words = self._seed_words = words.to(rng.device)
        key = seeded_key(words, calls)
        calls.add_(1)
        return Random(rng.batch_size, rng.device, key, self.same_on_batch)

    def _draw(self, rng: Random, batch_size: int, image_size: tuple[int, int],
              force: bool = False, channels: int = 1) -> Params:
        rng = self._rng(rng)
        apply = None if force or self.p >= 1.0 else rng.bernoulli(self.p)
        extra = {"channels": channels} if self.sample_needs_channels else {}
        params = Params.of(self.sample(rng, batch_size, image_size, **extra), batch_size, rng.device)
        params["apply"] = apply
        return params

    # ---- calling --------------------------------------------------------------------------
    def forward(self, image: Tensor | None = None, *, mask: Tensor | None = None,
                bboxes: Tensor | None = None, keypoints: Tensor | None = None,
                bbox_valid: Tensor | None = None, keypoint_valid: Tensor | None = None,
                params: Params | None = None, return_params: bool = False, **extra):
        """``aug(image)`` -> tensor; ``aug(image=..., mask=..., bboxes=..., keypoints=...)`` -> dict.

        Extra keyword arguments are further targets named in ``additional_targets`` (e.g.
        ``{"image2": "image"}``), or the validity of extra box/keypoint targets as
        ``<name>_valid``. ``params=`` replays the draws that ``return_params=True`` returned.
        """
        kinds = {"image": "image", "mask": "mask", "bboxes": "bboxes", "keypoints": "keypoints"}
        kinds.update(self.additional_targets or {})
        data = {"image": image, "mask": mask, "bboxes": bboxes, "keypoints": keypoints}
        valid_in = {"bboxes": bbox_valid, "keypoints": keypoint_valid}
        for name, value in extra.items():
            if name.endswith("_valid") and name[:-6] in kinds:
                valid_in[name[:-6]] = value
            elif name in kinds:
                data[name] = value
            else:
                raise TypeError(f"unexpected target {name!r}: name it in additional_targets "
                                f"(e.g. additional_targets={{{name!r}: 'image'}})")
        data = {k: v for k, v in data.items() if v is not None}
        tensor_only = set(data) == {"image"} and not return_params and params is None \
            and not any(v is not None for v in valid_in.values())
        state = State.from_inputs(data, kinds, self.bbox_params or BboxParams(),
                                  self.keypoint_params or KeypointParams(), valid_in, self.fuse)
        rng = Random(state.batch_size, state.device)
        used = self._run(state, rng, params, None)
        out = state.outputs()
        if tensor_only:
            return out["image"]
        if return_params:
            out["params"] = used
        return out

    def extra_repr(self) -> str:
        return f"p={self.p}"


class PixelTransform(Transform):
    """A transform of pixel values only: masks, boxes and keypoints pass untouched.

    Subclasses implement ``apply(image, params, *, max_value)`` on float (B, C, H, W) images whose
    full intensity is ``max_value`` (255 for uint8 inputs, 1 for float), saturating what they
    produce to that range. ``identity_params`` maps parameter names to neutral values: skipped
    samples then get those instead of a ``torch.where`` over the image.

    ``uint8_kernel``: ``apply`` also takes uint8 images and gives exactly the rounded result of
    the float path; images still in uint8 (no float step before) are then transformed as they
    are, without the round trip through float. ``uint8_compiled = False``: not under
    ``torch.compile``, where Inductor's loop over that uint8 form is slower than over floats
    (the compiled graph then reads the float images and rounds at the end, as without the kernel).
    """

    # declared as a dict {name: neutral value}; kept as (name, value) pairs (__init_subclass__)
    identity_params: ClassVar[dict[str, float] | tuple[tuple[str, float], ...] | None] = None
    uint8_kernel: ClassVar[bool] = False
    uint8_compiled: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # torch 2.4's Dynamo cannot read a dict class attribute; it reads a tuple
        if isinstance(cls.__dict__.get("identity_params"), dict):
            cls.identity_params = tuple(cls.identity_params.items())

    def _images(self, state) -> dict[str, Tensor]:
        """The images this transform reads: uint8 as they are when it has a uint8 kernel and
        every image is still uint8, else the float working images."""
        images = state.raw_images()
        uint8 = self.uint8_kernel and (self.uint8_compiled or not torch.compiler.is_compiling())
        if uint8 and all(v.dtype == torch.uint8 for v in images.values()):
            return images
        return state.pixel_images()

    def apply(self, image: Tensor, params: Params, *, max_value: float) -> Tensor:
        raise NotImplementedError

    def _run(self, state, rng, params, mask, force=False):
        params = (self._draw(rng, state.batch_size, state.size, force, state.channels)
                  if params is None else Params.of(params, state.batch_size, state.device))
        apply = combine_masks(params.get("apply"), mask)
        effective = params
        if apply is not None and self.identity_params is not None:
            effective = params.copy()
            for name, neutral in self.identity_params:
                value = params[name]
                keep = apply.view(-1, *([1] * (value.dim() - 1)))
                neutral = constants.constant((neutral,), value, shape=())  # cached: no fill
                effective[name] = torch.where(keep, value, neutral)
        for name, image in self._images(state).items():
            out = self.apply(image, effective, max_value=state.max_value)
            if apply is not None and self.identity_params is None:
                out = pick_samples(apply, out, image)
            state.images[name] = out
        return params


class GeometricTransform(Transform):
    """A transform that moves pixels: it gives a matrix; the base class does the rest.

    Class attributes say what the matrix can be, so that chains are planned statically:
    ``axis_aligned`` (never rotates or shears; flips allowed), ``exact`` (a pixel permutation of
    the frame: flips, rot90, transposes), ``integer`` (whole-pixel moves: integer crops and pads,
    and every exact transform), ``projective`` (a perspective matrix).

    Args:
        interpolation: image interpolation ("nearest", "linear", "cubic", "area" or cv2.INTER_*);
            None for transforms that never interpolate.
        mask_interpolation: mask interpolation (default nearest).
        border_mode: how pixels outside the input frame are read (cv2.BORDER_* or a name); None
            for transforms that never read outside it.
        fill: border value for images (a number or one per channel); fill_mask for masks.
    """

    axis_aligned: ClassVar[bool] = False
    matrix_reads_params: ClassVar[bool] = True  # False: the matrix depends on the size only
    exact: ClassVar[bool] = False
    integer: ClassVar[bool] = False
    projective: ClassVar[bool] = False

    def __init__(self, *, interpolation=None, mask_interpolation=None, border_mode=None, fill=0,
                 fill_mask=0, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.interpolation = None if interpolation is None else parse_interpolation(interpolation)
        self.mask_interpolation = (None if mask_interpolation is None
                                   else parse_interpolation(mask_interpolation, "mask_interpolation"))
        self.border_mode = None if border_mode is None else parse_border(border_mode)
        self.fill = parse_fill(fill)
        self.fill_mask = parse_fill(fill_mask, "fill_mask")

    def matrix(self, params: Params, image_size: tuple[int, int]) -> Tensor:
        raise NotImplementedError

    def output_size(self, image_size: tuple[int, int]) -> tuple[int, int]:
        return tuple(image_size)

    def static_matrix(self, image_size: tuple[int, int]) -> tuple[float, ...] | None:
        """The matrix as nine numbers (row-major) when every sample gets the same one, known
        before drawing (Resize, CenterCrop, a fixed PadIfNeeded): a chain made only of such
        transforms is resampled with whole-batch kernels (slicing, padding, interpolate).
        None (the default): per-sample matrices. ``matrix`` must agree with it."""
        return None

    def host_settings(self, params: Params, image_size: tuple[int, int], drawn: bool,
                      mask: Tensor | None) -> dict:
        """``static_matrix`` as the chain's ``host`` setting, where it holds for this call: every
        sample transformed, and the parameters drawn here (not passed in) unless the matrix
        does not read them (a replay then reads the pixels as the first call did)."""
        if (not drawn and self.matrix_reads_params) or mask is not None \
                or params.get("apply") is not None:
            return {}
        host = self.static_matrix(image_size)
        return {} if host is None else {"host": host}

    def skip_matrix(self, image_size: tuple[int, int], like: Tensor) -> Tensor:
        """The matrix of a skipped sample: identity, or a plain resize when the size changes."""
        out_size = self.output_size(image_size)
        if tuple(out_size) == tuple(image_size):
            return geometry.identity(like.shape[0], like.device)
        return geometry.resize(image_size, out_size, like=like)

    def skip_is_integer(self, image_size: tuple[int, int]) -> bool:
        """Whether ``skip_matrix`` moves whole pixels (the identity; a resize does not)."""
        return tuple(self.output_size(image_size)) == tuple(image_size)

    def warp_settings(self, image_size: tuple[int, int] | None = None) -> dict:
        """How the chain reads this transform (for inputs of ``image_size`` when given)."""
        return dict(border=self.border_mode, fill=self.fill, fill_mask=self.fill_mask,
                    interpolation=self.interpolation, mask_interpolation=self.mask_interpolation,
                    axis_aligned=self.axis_aligned, projective=self.projective, exact=self.exact,
                    integer=self.integer or self.exact)

    def placed_matrix(self, params: Params, image_size: tuple[int, int],
                      mask: Tensor | None) -> Tensor:
        """The (B, 3, 3) matrix with skipped samples replaced."""
        m = self.matrix(params, image_size)
        apply = combine_masks(params.get("apply"), mask)
        if apply is not None:
            m = torch.where(apply[:, None, None], m, self.skip_matrix(image_size, params.like()))
        return m

    def _run(self, state, rng, params, mask, force=False):
        size = state.size
        drawn = params is None
        params = (self._draw(rng, state.batch_size, size, force, state.channels)
                  if drawn else Params.of(params, state.batch_size, state.device))
        m = self.placed_matrix(params, size, mask)
        settings = self.warp_settings(size)
        if (params.get("apply") is not None or mask is not None) and not self.skip_is_integer(size):
            settings["integer"] = False
        settings.update(self.host_settings(params, size, drawn, mask))
        state.add_geometry(m, self.output_size(size), **settings)
        return params


__all__ = ["Transform", "PixelTransform", "GeometricTransform", "TARGET_KINDS", "Params"]
