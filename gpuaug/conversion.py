"""From the layouts data arrives in to the (B, C, H, W) tensors gpuaug works on."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor

__all__ = ["to_tensor"]


def to_tensor(data, *, mask: bool = False, device=None, non_blocking: bool = False) -> Tensor:
    """Images in channels-last layouts -> channels-first tensors, the batched ToTensorV2.

    Accepts a numpy (H, W, C) or (H, W) image (-> (C, H, W)), a numpy (B, H, W, C) batch or a list
    of (H, W, C) images of one size (-> (B, C, H, W)), or a (B, H, W, C) tensor as a DataLoader
    yields it (-> (B, C, H, W), a zero-copy channels-last view). Values and dtype are kept (no
    scaling, as ToTensorV2). With ``mask=True`` arrays are masks: (H, W) stays (H, W) and a list of
    them or a (B, H, W) array becomes (B, H, W).

    Examples:
        >>> to_tensor(np.zeros((4, 6, 3), np.uint8)).shape
        torch.Size([3, 4, 6])
        >>> to_tensor(torch.zeros(2, 4, 6, 3, dtype=torch.uint8)).shape
        torch.Size([2, 3, 4, 6])
    """
    if isinstance(data, Tensor):
        out = data
        if not mask:
            if data.dim() == 4:
                out = data.permute(0, 3, 1, 2)
            elif data.dim() == 3:
                out = data.permute(2, 0, 1)
            elif data.dim() == 2:
                out = data.unsqueeze(0)
            else:
                raise ValueError(f"data must be (B, H, W, C), (H, W, C) or (H, W), got {tuple(data.shape)}")
    elif isinstance(data, np.ndarray):
        out = _from_numpy(data, mask)
    elif isinstance(data, Sequence) and not isinstance(data, str):
        if not data:
            raise ValueError("data is an empty list")
        items = [_from_numpy(np.asarray(d), mask) if not isinstance(d, Tensor) else to_tensor(d, mask=mask)
                 for d in data]
        shapes = {tuple(t.shape) for t in items}
        if len(shapes) != 1:
            raise ValueError(f"a list of images must share one shape to form a batch, got {sorted(shapes)}")
        out = torch.stack(items)
    else:
        raise TypeError(f"data must be a numpy array, a list of them or a tensor, got {type(data).__name__}")
    if device is not None:
        out = out.to(device, non_blocking=non_blocking)
    return out


def _from_numpy(array: np.ndarray, mask: bool) -> Tensor:
    t = torch.from_numpy(np.ascontiguousarray(array))
    if mask:
        if array.ndim not in (2, 3):
            raise ValueError(f"a mask must be (H, W) or (B, H, W), got {array.shape}")
        return t
    if array.ndim == 2:
        return t.unsqueeze(0)
    if array.ndim == 3:
        return t.permute(2, 0, 1).contiguous()
    if array.ndim == 4:
        return t.permute(0, 3, 1, 2).contiguous()
    raise ValueError(f"an image must be (H, W), (H, W, C) or (B, H, W, C), got {array.shape}")
