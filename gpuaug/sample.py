"""A generated sample batch: images with smooth areas, texture and hard edges, a segmentation
mask, and the boxes and centre keypoints of the objects drawn in it. Deterministic for a seed,
no download."""
from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["sample_batch", "natural_image"]


def natural_image(height: int = 128, width: int = 160, seed: int = 0) -> Tensor:
    """One (3, H, W) uint8 image: a smooth colour gradient, a fine texture, a checker band and
    soft blobs, so that both smooth regions and hard edges are present."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(height, dtype=torch.float32)[:, None] / max(height - 1, 1)
    x = torch.arange(width, dtype=torch.float32)[None, :] / max(width - 1, 1)
    phase = torch.rand(3, generator=g) * 6.28
    img = torch.stack([
        0.5 + 0.35 * torch.sin(3.0 * x + 2.0 * y + phase[0]),
        0.5 + 0.35 * torch.cos(2.0 * x - 3.0 * y + phase[1]),
        0.45 + 0.4 * (x * y) + 0.05 * torch.sin(9 * x + phase[2]),
    ])
    texture = torch.rand(1, height // 4 + 1, width // 4 + 1, generator=g)
    texture = torch.nn.functional.interpolate(texture[None], size=(height, width), mode="bilinear",
                                              align_corners=False)[0]
    img = img + 0.12 * (texture - 0.5)
    band = ((torch.arange(width)[None, :] // 6 + torch.arange(height)[:, None] // 6) % 2).float()
    band_rows = (y > 0.82) & (y < 0.92)
    img = torch.where(band_rows, 0.15 + 0.7 * band, img)
    for _ in range(3):
        cy, cx = torch.rand(2, generator=g)
        r = 0.08 + 0.1 * float(torch.rand(1, generator=g))
        colour = torch.rand(3, 1, 1, generator=g)
        blob = torch.exp(-(((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r)))
        img = img * (1 - 0.6 * blob) + 0.6 * blob * colour
    return (img.clamp(0, 1) * 255).round().to(torch.uint8)


def sample_batch(batch_size: int = 8, size: tuple[int, int] = (128, 160), objects: int = 3,
                 seed: int = 0) -> dict[str, Tensor]:
    """A batch with hard-edged objects (rectangles and ellipses) drawn over natural images.

    Returns ``image`` (B, 3, H, W) uint8, ``mask`` (B, H, W) int64 class ids (0 = background,
    object i has id i + 1), ``bboxes`` (B, objects, 4) pascal_voc pixels (the exact extent of each
    drawn object, on pixel edges), and ``keypoints`` (B, objects, 2) the object centres (pixel
    coordinates).
    """
    h, w = size
    g = torch.Generator().manual_seed(seed + 1)
    images, masks, boxes, points = [], [], [], []
    yy = torch.arange(h, dtype=torch.float32)[:, None]
    xx = torch.arange(w, dtype=torch.float32)[None, :]
    for b in range(batch_size):
        img = natural_image(h, w, seed=seed * 1000 + b).clone()
        mask = torch.zeros(h, w, dtype=torch.int64)
        sample_boxes, sample_points = [], []
        for i in range(objects):
            bw = int(w * (0.15 + 0.2 * float(torch.rand(1, generator=g))))
            bh = int(h * (0.15 + 0.2 * float(torch.rand(1, generator=g))))
            x0 = int(float(torch.rand(1, generator=g)) * (w - bw))
            y0 = int(float(torch.rand(1, generator=g)) * (h - bh))
            if i % 2 == 0:
                inside = (xx >= x0) & (xx < x0 + bw) & (yy >= y0) & (yy < y0 + bh)
            else:
                cx, cy = x0 + (bw - 1) / 2, y0 + (bh - 1) / 2
                inside = ((xx - cx) / (bw / 2)) ** 2 + ((yy - cy) / (bh / 2)) ** 2 <= 1
            colour = (torch.rand(3, generator=g) * 255).round().to(torch.uint8)
            img[:, inside] = colour[:, None]
            mask[inside] = i + 1
            cols, rows = inside.any(0).to(torch.int8), inside.any(1).to(torch.int8)
            x_lo, y_lo = int(cols.argmax()), int(rows.argmax())
            x_hi, y_hi = w - int(cols.flip(0).argmax()), h - int(rows.flip(0).argmax())
            sample_boxes.append([x_lo, y_lo, x_hi, y_hi])
            sample_points.append([x0 + (bw - 1) / 2, y0 + (bh - 1) / 2])
        images.append(img)
        masks.append(mask)
        boxes.append(sample_boxes)
        points.append(sample_points)
    return {
        "image": torch.stack(images),
        "mask": torch.stack(masks),
        "bboxes": torch.tensor(boxes, dtype=torch.float32),
        "keypoints": torch.tensor(points, dtype=torch.float32),
    }

