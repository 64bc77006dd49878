"""The batch that travels through a pipeline, and the conversion of user inputs to and from it.

A ``State`` holds every target of one call in internal form (images (B, C, H, W), masks
(B, K, H, W), boxes as pascal_voc pixels, keypoints as (x, y, angle, scale)) together with the
pending geometric chain. Geometric transforms only append to the chain; the first pixel transform
that follows, or the end of the call, resamples images and masks once and maps boxes and
keypoints once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

from . import targets as T
from .tensors import FLOAT_DTYPES, finish_like, max_value, working
from .warp import Chain, Resampler

TARGET_KINDS = ("image", "mask", "bboxes", "keypoints")


@dataclass
class _Boxes:
    boxes: Tensor          # (B, N, 4 + E) pascal_voc pixels, float32
    valid: Tensor          # (B, N) bool
    lengths: list | None   # per-sample row counts when the caller passed a list
    single: bool
    dtype: torch.dtype


@dataclass
class _Mask:
    mask: Tensor           # (B, K, H, W)
    had_channels: bool     # the caller passed a K dimension
    single: bool           # the caller passed one sample (no batch dimension)
    as_list: bool


class State:
    """Everything one call transforms, plus the geometry still waiting to be resampled."""

    def __init__(self, batch_size: int, device: torch.device, size: tuple[int, int],
                 bbox_params: T.BboxParams, keypoint_params: T.KeypointParams, fuse: bool = True):
        self.batch_size = batch_size
        self.device = device
        self.size = size
        self.bbox_params = bbox_params
        self.keypoint_params = keypoint_params
        self.fuse = fuse
        self.images: dict[str, Tensor] = {}
        self.image_info: dict[str, tuple] = {}   # name -> (single, as_list, like)
        self.out_dtype: torch.dtype | None = None
        self.max_value = 255.0
        self.masks: dict[str, _Mask] = {}
        self.boxes: dict[str, _Boxes] = {}
        self.points: dict[str, _Boxes] = {}
        self.chain: Chain | None = None

    # ---- geometry -----------------------------------------------------------------------
    def add_geometry(self, matrix: Tensor, out_size: tuple[int, int], **settings) -> None:
        """Append a transform's matrix to the pending chain (resampling first where the run's
        interpolation would change)."""
        if self.chain is not None and not self.chain.accepts(settings.get("interpolation"),
                                                             settings.get("mask_interpolation")):
            self.resample()
        if self.chain is None:
            self.chain = Chain(source_size=self.size, size=self.size)
        self.chain.add(matrix, tuple(out_size), **settings)
        self.size = tuple(out_size)
        if not self.fuse:
            self.resample()

    def resample(self, final: bool = False) -> None:
        """Apply the pending chain: one read of every image and mask, one map of boxes and points."""
        chain, self.chain = self.chain, None
        if chain is not None:
            reader = Resampler(chain, self.batch_size, self.device)
            for name, image in self.images.items():
                self.images[name] = reader.image(image)
            for entry in self.masks.values():
                dtype = entry.mask.dtype
                out = reader.mask(entry.mask)
                if out.dtype != dtype:
                    out = out.round().to(dtype) if not dtype.is_floating_point else out.to(dtype)
                entry.mask = out
            matrix = chain.matrix()
            for entry in self.boxes.values():
                entry.boxes = T.map_boxes(matrix, entry.boxes)
            for entry in self.points.values():
                entry.boxes = T.map_keypoints(matrix, entry.boxes)
        if chain is not None or final:
            self._check_targets(final or chain is None)

    def _check_targets(self, final: bool) -> None:
        bp, kp = self.bbox_params, self.keypoint_params
        if final or bp.check_each_transform:
            for entry in self.boxes.values():
                entry.boxes, entry.valid = T.filter_boxes(entry.boxes, entry.valid, self.size, bp)
        if kp.remove_invisible and (final or kp.check_each_transform):
            for entry in self.points.values():
                entry.valid = entry.valid & T.keypoints_visible(entry.boxes, self.size)

    @property
    def channels(self) -> int:
        """The channel count of the widest image of the call (1 without images)."""
        # (a loop: torch 2.11's dynamo cannot trace max() over a generator with a default)
        widest = 1
        for image in self.images.values():
            widest = max(widest, image.shape[1])
        return widest

    # ---- pixels -------------------------------------------------------------------------
    def raw_images(self) -> dict[str, Tensor]:
        """The images resampled, in whatever dtype they are now (uint8 until a float step)."""
        self.resample()
        return self.images

    def pixel_images(self) -> dict[str, Tensor]:
        """The images as float working tensors, resampled: what a pixel transform reads."""
        self.resample()
        for name, image in self.images.items():
            if not image.is_floating_point() or image.dtype in (torch.float16, torch.bfloat16):
                self.images[name] = working(image)
        return self.images

    def set_output(self, dtype: torch.dtype, new_max_value: float) -> None:
        """Declare that the images now hold another dtype / range (Normalize, ToFloat, FromFloat)."""
        self.out_dtype = dtype
        self.max_value = new_max_value

    # ---- reading inputs -----------------------------------------------------------------
    @classmethod
    def from_inputs(cls, data: dict, kinds: dict[str, str], bbox_params, keypoint_params,
                    valid_in: dict[str, Tensor], fuse: bool) -> "State":
        """Build a state from the caller's keyword arguments (``kinds`` names each key's target)."""
        images = {k: v for k, v in data.items() if kinds[k] == "image"}
        masks = {k: v for k, v in data.items() if kinds[k] == "mask"}
        if not images and not masks:
            raise ValueError("pass an image (B, C, H, W) or a mask to transform; got neither")
        batch, single, size, device = None, None, None, None
        state_images = {}
        info = {}
        for name, value in images.items():
            value, as_list = _stack_list(value, name)
            _check_image(value, name)
            is_single = value.dim() == 3
            b4 = value.unsqueeze(0) if is_single else value
            batch, single, size, device = _agree(name, b4.shape[0], is_single, tuple(b4.shape[-2:]),
                                                 b4.device, batch, single, size, device)
            state_images[name] = b4
            info[name] = (is_single, as_list, b4)
        state_masks = {}
        for name, value in masks.items():
            value, as_list = _stack_list(value, name)
            if not isinstance(value, Tensor):
                raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
            if single is None:
                single = False  # masks without an image are batched: (B, H, W) or (B, K, H, W)
            lo = 2 if single else 3
            if value.dim() not in (lo, lo + 1):
                want = "(H, W) or (K, H, W) for a single image" if single else "(B, H, W) or (B, K, H, W)"
                raise ValueError(f"{name} must have shape {want}, got {tuple(value.shape)}")
            had_channels = value.dim() == lo + 1
            m = value.unsqueeze(0) if single else value
            m = m if had_channels else m.unsqueeze(1)
            batch, single, size, device = _agree(name, m.shape[0], single, tuple(m.shape[-2:]),
                                                 m.device, batch, single, size, device)
            state_masks[name] = _Mask(m, had_channels, single, as_list)
        state = cls(batch, device, size, bbox_params, keypoint_params, fuse)
        state.images, state.image_info = state_images, info
        if state_images:  # (next() with a default does not compile under torch 2.4's Dynamo)
            state.max_value = max_value(next(iter(state_images.values())).dtype)
        state.masks = state_masks
        for name, value in data.items():
            kind = kinds[name]
            if kind in ("bboxes", "keypoints"):
                rows = _read_rows(name, value, batch, single, device, valid_in.get(name))
                tensor, valid, lengths, dtype = rows
                if kind == "bboxes":
                    if tensor.shape[-1] < 4:
                        raise ValueError(f"{name} must have at least 4 columns, got {tensor.shape[-1]}")
                    boxes = T.boxes_to_pixels(tensor, bbox_params.format, size)
                    if bbox_params.clip:
                        boxes = T.clip_boxes(boxes, size)
                    if bbox_params.filter_invalid_bboxes:
                        valid = valid & (boxes[..., 2] > boxes[..., 0]) & (boxes[..., 3] > boxes[..., 1])
                    state.boxes[name] = _Boxes(boxes, valid, lengths, single, dtype)
                else:
                    need = len(keypoint_params.format)
                    if tensor.shape[-1] < need:
                        raise ValueError(f"{name} in format {keypoint_params.format!r} needs at least "
                                         f"{need} columns, got {tensor.shape[-1]}")
                    points = T.keypoints_to_internal(tensor, keypoint_params)
                    if keypoint_params.remove_invisible:
                        valid = valid & T.keypoints_visible(points, size)
                    state.points[name] = _Boxes(points, valid, lengths, single, dtype)
        return state

    # ---- writing outputs ----------------------------------------------------------------
    def outputs(self) -> dict:
        self.resample(final=True)
        out = {}
        for name, image in self.images.items():
            single, as_list, like = self.image_info[name]
            dtype = self.out_dtype or like.dtype
            value = finish_like(image, like, dtype)
            out[name] = _unstack(value[0] if single else value, as_list)
        for name, entry in self.masks.items():
            m = entry.mask if entry.had_channels else entry.mask[:, 0]
            out[name] = _unstack(m[0] if entry.single else m, entry.as_list)
        bp, kp = self.bbox_params, self.keypoint_params
        for name, entry in self.boxes.items():
            boxes = T.boxes_from_pixels(entry.boxes, bp.format, self.size).to(entry.dtype)
            out[name], out[_valid_key(name, "bboxes")] = _rows_out(boxes, entry)
        for name, entry in self.points.items():
            points = T.keypoints_from_internal(entry.boxes, kp).to(entry.dtype)
            out[name], out[_valid_key(name, "keypoints")] = _rows_out(points, entry)
        return out


def _valid_key(name: str, kind: str) -> str:
    if name == "bboxes":
        return "bbox_valid"
    if name == "keypoints":
        return "keypoint_valid"
    return f"{name}_valid"


def _check_image(value, name: str) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor (B, C, H, W) or (C, H, W), "
                        f"got {type(value).__name__}")
    if value.dim() not in (3, 4):
        raise ValueError(f"{name} must have shape (B, C, H, W) or (C, H, W), got {tuple(value.shape)}")
    if value.dtype != torch.uint8 and value.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must be uint8 or float (float32/float16/bfloat16), got {value.dtype}")


def _agree(name, b, is_single, size, device, batch, single, ref_size, ref_device):
    if batch is not None and b != batch:
        raise ValueError(f"{name} has batch size {b}, but earlier inputs have {batch}")
    if ref_size is not None and size != ref_size:
        raise ValueError(f"{name} has spatial size {size}, but the image is {ref_size}")
    if ref_device is not None and device != ref_device:
        raise ValueError(f"{name} is on {device}, but the image is on {ref_device}")
    return b, (single if single is not None else is_single), size, device


def _stack_list(value, name: str):
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError(f"{name} is an empty list")
        if not all(isinstance(v, Tensor) for v in value):
            raise TypeError(f"{name} must be a tensor or a list of tensors")
        shapes = {tuple(v.shape) for v in value}
        if len(shapes) != 1:
            raise ValueError(f"{name}: a list of images/masks must share one shape, got {sorted(shapes)}")
        return torch.stack(list(value)), True
    return value, False


def _unstack(value: Tensor, as_list: bool):
    return list(value.unbind(0)) if as_list else value


def _read_rows(name, value, batch, single, device, valid):
    """Boxes / keypoints as a padded (B, N, F) tensor plus validity; lists are padded."""
    lengths = None
    if isinstance(value, (list, tuple)):
        if len(value) != batch:
            raise ValueError(f"{name} is a list of {len(value)} entries but the batch has {batch}")
        if not all(isinstance(v, Tensor) and v.dim() == 2 for v in value):
            raise TypeError(f"{name} as a list must hold (N_i, F) tensors, one per sample")
        widths = {v.shape[1] for v in value}
        if len(widths) != 1:
            raise ValueError(f"{name}: every sample needs the same number of columns, got {widths}")
        lengths = [int(v.shape[0]) for v in value]
        n, f = max(lengths + [0]), widths.pop()
        dtype = value[0].dtype
        padded = torch.zeros(batch, n, f, dtype=torch.float32, device=device)
        valid_t = torch.zeros(batch, n, dtype=torch.bool, device=device)
        for i, v in enumerate(value):
            padded[i, :lengths[i]] = v.to(device=device, dtype=torch.float32)
            valid_t[i, :lengths[i]] = True
        if valid is not None:
            raise ValueError(f"pass validity for {name} only with the padded tensor form")
        return padded, valid_t, lengths, dtype
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a (B, N, F) tensor or a list of (N_i, F) tensors, "
                        f"got {type(value).__name__}")
    want = 2 if single else 3
    if value.dim() != want:
        shape = "(N, F) for a single image" if single else "(B, N, F)"
        raise ValueError(f"{name} must have shape {shape}, got {tuple(value.shape)}")
    if not value.is_floating_point():
        value = value.to(torch.float32)
    t = value.unsqueeze(0) if single else value
    if t.shape[0] != batch:
        raise ValueError(f"{name} has batch size {t.shape[0]}, but the image has {batch}")
    if valid is None:
        valid_t = torch.ones(t.shape[:2], dtype=torch.bool, device=t.device)
    else:
        valid_t = (valid.unsqueeze(0) if single else valid).to(torch.bool)
        if valid_t.shape != t.shape[:2]:
            raise ValueError(f"validity for {name} must have shape {tuple(t.shape[:2])}, "
                             f"got {tuple(valid.shape)}")
    return t.to(device=device), valid_t.to(device), lengths, value.dtype


def _rows_out(values: Tensor, entry: _Boxes):
    valid = entry.valid
    if entry.lengths is not None:
        return ([values[i, :n] for i, n in enumerate(entry.lengths)],
                [valid[i, :n] for i, n in enumerate(entry.lengths)])
    if entry.single:
        return values[0], valid[0]
    return values, valid
