"""Benchmarks of the pixel families (colour, blur, noise, compression, dropout), each with its
nearest kornia / torchvision peer where one exists (kornia on float images in [0, 1], as it
requires; the conversion is inside its timed call)."""
from __future__ import annotations

from .transforms_specs import bench

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)

COLOR = [
    bench("Normalize", "color", lambda s: dict(mean=MEAN, std=STD),
          ("Normalize", lambda s: dict(mean=MEAN, std=STD))),
    bench("ToFloat", "color", lambda s: dict()),
    bench("ColorJitter", "color", lambda s: dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, p=1.0),
          ("ColorJitter", lambda s: dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, p=1.0)),
          ("ColorJitter", lambda s: dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1))),
    bench("RandomBrightnessContrast", "color", lambda s: dict(p=1.0),
          ("ColorJitter", lambda s: dict(brightness=0.2, contrast=0.2, p=1.0)),
          ("ColorJitter", lambda s: dict(brightness=0.2, contrast=0.2))),
    bench("HueSaturationValue", "color", lambda s: dict(p=1.0),
          ("ColorJitter", lambda s: dict(saturation=0.3, hue=0.055, p=1.0)),
          ("ColorJitter", lambda s: dict(saturation=0.3, hue=0.055))),
    bench("RandomGamma", "color", lambda s: dict(p=1.0),
          ("RandomGamma", lambda s: dict(gamma=(0.8, 1.2), p=1.0))),
    bench("ToGray", "color", lambda s: dict(p=1.0),
          ("RandomGrayscale", lambda s: dict(p=1.0)),
          ("Grayscale", lambda s: dict(num_output_channels=3))),
    bench("ChannelShuffle", "color", lambda s: dict(p=1.0),
          ("RandomChannelShuffle", lambda s: dict(p=1.0)),
          ("RandomChannelPermutation", lambda s: dict())),
    bench("RGBShift", "color", lambda s: dict(p=1.0),
          ("RandomRGBShift", lambda s: dict(p=1.0))),
    bench("InvertImg", "color", lambda s: dict(p=1.0),
          ("RandomInvert", lambda s: dict(p=1.0)),
          ("RandomInvert", lambda s: dict(p=1.0))),
    bench("Solarize", "color", lambda s: dict(p=1.0),
          ("RandomSolarize", lambda s: dict(p=1.0)),
          ("RandomSolarize", lambda s: dict(threshold=128, p=1.0))),
    bench("Posterize", "color", lambda s: dict(p=1.0),
          ("RandomPosterize", lambda s: dict(p=1.0)),
          ("RandomPosterize", lambda s: dict(bits=4, p=1.0))),
    bench("Equalize", "color", lambda s: dict(p=1.0),
          ("RandomEqualize", lambda s: dict(p=1.0)),
          ("RandomEqualize", lambda s: dict(p=1.0))),
    bench("CLAHE", "color", lambda s: dict(p=1.0),
          ("RandomClahe", lambda s: dict(p=1.0))),
]

BLUR = [
    bench("GaussianBlur", "blur", lambda s: dict(blur_limit=(7, 7), sigma_limit=(0.1, 2.0), p=1.0),
          ("RandomGaussianBlur", lambda s: dict(kernel_size=(7, 7), sigma=(0.1, 2.0), p=1.0)),
          ("GaussianBlur", lambda s: dict(kernel_size=7, sigma=(0.1, 2.0)))),
    bench("MotionBlur", "blur", lambda s: dict(p=1.0),
          ("RandomMotionBlur", lambda s: dict(kernel_size=7, angle=35.0, direction=0.5, p=1.0))),
    # 5 x 5 in every library (kornia's boxes and medians take one fixed size)
    bench("MedianBlur", "blur", lambda s: dict(blur_limit=(5, 5), p=1.0),
          ("RandomMedianBlur", lambda s: dict(kernel_size=(5, 5), p=1.0))),
    bench("Blur", "blur", lambda s: dict(blur_limit=(5, 5), p=1.0),
          ("RandomBoxBlur", lambda s: dict(kernel_size=(5, 5), p=1.0))),
    bench("Defocus", "blur", lambda s: dict(p=1.0)),
    bench("ZoomBlur", "blur", lambda s: dict(p=1.0)),
    bench("Sharpen", "blur", lambda s: dict(p=1.0),
          ("RandomSharpness", lambda s: dict(p=1.0)),
          ("RandomAdjustSharpness", lambda s: dict(sharpness_factor=2.0, p=1.0))),
    bench("Emboss", "blur", lambda s: dict(p=1.0)),
]

NOISE = [
    bench("GaussNoise", "noise", lambda s: dict(p=1.0),
          ("RandomGaussianNoise", lambda s: dict(std=0.1, p=1.0))),
    bench("ISONoise", "noise", lambda s: dict(p=1.0)),
    bench("MultiplicativeNoise", "noise", lambda s: dict(p=1.0)),
]

COMPRESSION = [
    bench("ImageCompression", "compression", lambda s: dict(quality_range=(50, 100), p=1.0),
          ("RandomJPEG", lambda s: dict(jpeg_quality=(50.0, 100.0), p=1.0)),
          ("JPEG", lambda s: dict(quality=(50, 100)))),
]

DROPOUT = [
    bench("CoarseDropout", "dropout", lambda s: dict(num_holes_range=(1, 4), p=1.0),
          ("RandomErasing", lambda s: dict(p=1.0)),
          ("RandomErasing", lambda s: dict(p=1.0))),
]

PIXEL = COLOR + BLUR + NOISE + COMPRESSION + DROPOUT
