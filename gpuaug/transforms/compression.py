"""Compression transforms (see gpuaug/functional/compression.py for the kernels)."""
from __future__ import annotations

from ..core.transform import PixelTransform
from ..core.validation import _describe, to_int_range
from ..functional import compression as FC

__all__ = ["ImageCompression"]

COMPRESSION_TYPES = ("jpeg", "webp")


class ImageCompression(PixelTransform):
    """JPEG-compress and decompress each image with a quality drawn per sample, on the tensor's
    device.

    OpenCV: per sample ``cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1],
    cv2.IMREAD_UNCHANGED)`` (OpenCV's libjpeg-turbo defaults: baseline, 4:2:0 chroma
    subsampling, the standard tables scaled by quality, the integer DCT, fancy upsampling),
    reproduced bit for bit by :func:`gpuaug.functional.jpeg`: the same encoder and decoder
    arithmetic, done in tensor ops, batched, with one quality per sample.
    albumentations: ``A.ImageCompression(compression_type="jpeg", quality_range, p)``; the quality
    is drawn as its ``py_random.randint(*quality_range)`` draws it (uniform over the integers,
    both ends included).

    Channels: 3 (RGB, coded as YCbCr 4:2:0) and 1 (greyscale) as JPEG codes them; 2 channels and
    more than 3 as albumentations handles them (a zero third channel; extra channels coded as
    greyscale images). Float images are rounded to 8-bit levels, coded, and returned on
    multiples of 1/255, as albumentations' ``uint8_io`` does.

    Differences from albumentations 2.0.8:

    * Channel order. albumentations hands its RGB array to ``cv2.imencode``, which reads it as
      BGR, so its luma weights for red and blue are swapped and the chroma planes code the wrong
      differences. gpuaug codes the image as the RGB image it is (what saving it as a JPEG file
      does). albumentations' exact output on an RGB image is ``jpeg(image.flip(-3), q).flip(-3)``
      (reverse the channels around the kernel).
    * ``compression_type="webp"`` raises a ValueError: only JPEG is implemented on the device.
    * In a pipeline, a uint8 image is still a float working image (one rounding at the end,
      SPEC §2); JPEG needs 8-bit samples, so this transform rounds it (half up) first, as saving
      the intermediate result would.

    Args:
        compression_type: ``"jpeg"`` (``"webp"`` is not implemented on the device).
        quality_range: (min, max) quality, integers in [1, 100] (1: strongest compression).
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        quality: (B,) int64, the JPEG quality of each sample (albumentations' ``quality``).

    Examples:
        >>> import torch
        >>> aug = ImageCompression(quality_range=(30, 90), p=1.0, seed=0)
        >>> out = aug(image=torch.zeros(2, 3, 20, 30, dtype=torch.uint8), return_params=True)
        >>> out["image"].shape, out["params"]["quality"].dtype
        (torch.Size([2, 3, 20, 30]), torch.int64)
    """

    def __init__(self, compression_type: str = "jpeg",
                 quality_range: tuple[int, int] = (99, 100), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        if not isinstance(compression_type, str) or compression_type not in COMPRESSION_TYPES:
            raise ValueError(f"compression_type must be one of {COMPRESSION_TYPES}, "
                             f"got {_describe(compression_type)}")
        if compression_type == "webp":
            raise ValueError("compression_type='webp' is not supported: only JPEG compression is "
                             "implemented on the device (use compression_type='jpeg')")
        self.compression_type = compression_type
        self.quality_range = to_int_range(quality_range, "quality_range", low=1)
        if self.quality_range[1] > 100:
            raise ValueError(f"quality_range must lie in [1, 100], got {self.quality_range}")

    def sample(self, rng, batch_size, image_size):
        return {"quality": rng.integers(*self.quality_range)}

    def apply(self, image, params, *, max_value):
        quality = FC.quality_tensor(params["quality"], image.shape[0], image.device)
        return FC.jpeg_levels(image, quality, max_value)

    def extra_repr(self) -> str:
        return (f"compression_type={self.compression_type!r}, "
                f"quality_range={self.quality_range}, {super().extra_repr()}")
