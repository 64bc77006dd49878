"""Drawing boxes, keypoints and masks onto image tensors, and writing PNG files (standard library
only), for demos and debugging. Not on the augmentation path."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import torch
from torch import Tensor

__all__ = ["draw_targets", "image_grid", "save_png"]

PALETTE = torch.tensor([[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200],
                        [245, 130, 48], [145, 30, 180], [70, 240, 240], [240, 50, 230]],
                       dtype=torch.uint8)


def _to_uint8(image: Tensor) -> Tensor:
    if image.dtype == torch.uint8:
        return image.clone()
    return (image.float().clamp(0, 1) * 255).round().to(torch.uint8)


def draw_targets(image: Tensor, mask: Tensor | None = None, bboxes: Tensor | None = None,
                 bbox_valid: Tensor | None = None, keypoints: Tensor | None = None,
                 keypoint_valid: Tensor | None = None, alpha: float = 0.35) -> Tensor:
    """One (3, H, W) image with its mask tinted in, boxes outlined and keypoints dotted.

    Invalid boxes are drawn dashed-free in grey, invalid keypoints are skipped.
    """
    img = _to_uint8(image.detach().cpu())[:3]
    h, w = img.shape[-2:]
    if mask is not None:
        m = mask.detach().cpu()
        m = m[0] if m.dim() == 3 else m
        ids = m.long() % len(PALETTE)
        colour = PALETTE[ids].permute(2, 0, 1).float()
        tint = (m > 0)[None]
        img = torch.where(tint, ((1 - alpha) * img.float() + alpha * colour).round().to(torch.uint8), img)
    if bboxes is not None:
        for i, box in enumerate(bboxes.detach().cpu().float().tolist()):
            valid = True if bbox_valid is None else bool(bbox_valid[i])
            colour = PALETTE[i % len(PALETTE)] if valid else torch.tensor([128, 128, 128], dtype=torch.uint8)
            x0, y0, x1, y1 = (int(round(v)) for v in box[:4])
            x0, x1 = max(0, min(w - 1, x0)), max(0, min(w - 1, x1 - 1))
            y0, y1 = max(0, min(h - 1, y0)), max(0, min(h - 1, y1 - 1))
            img[:, y0, x0:x1 + 1] = colour[:, None]
            img[:, y1, x0:x1 + 1] = colour[:, None]
            img[:, y0:y1 + 1, x0] = colour[:, None]
            img[:, y0:y1 + 1, x1] = colour[:, None]
    if keypoints is not None:
        for i, point in enumerate(keypoints.detach().cpu().float().tolist()):
            if keypoint_valid is not None and not bool(keypoint_valid[i]):
                continue
            cx, cy = int(round(point[0])), int(round(point[1]))
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    if abs(dx) + abs(dy) <= 2 and 0 <= cy + dy < h and 0 <= cx + dx < w:
                        img[:, cy + dy, cx + dx] = torch.tensor([255, 255, 255], dtype=torch.uint8) \
                            if abs(dx) + abs(dy) == 2 else PALETTE[i % len(PALETTE)]
    return img


def image_grid(rows: list[list[Tensor]], pad: int = 4) -> Tensor:
    """Lay (3, H, W) uint8 images out in rows (sizes may differ), on a white background."""
    heights = [max(t.shape[-2] for t in row) for row in rows]
    widths = [sum(t.shape[-1] for t in row) + pad * (len(row) + 1) for row in rows]
    canvas = torch.full((3, sum(heights) + pad * (len(rows) + 1), max(widths)), 255, dtype=torch.uint8)
    y = pad
    for row, rh in zip(rows, heights):
        x = pad
        for t in row:
            canvas[:, y:y + t.shape[-2], x:x + t.shape[-1]] = _to_uint8(t)[:3]
            x += t.shape[-1] + pad
        y += rh + pad
    return canvas


def save_png(image: Tensor, path: str | Path) -> Path:
    """Write a (3, H, W) or (H, W) uint8 tensor as an 8-bit PNG."""
    img = _to_uint8(image.detach().cpu())
    if img.dim() == 2:
        img = img[None]
    channels, h, w = img.shape
    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    rows = img.permute(1, 2, 0).contiguous().numpy()
    raw = b"".join(b"\x00" + rows[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return path
