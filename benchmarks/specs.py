"""What is benchmarked: the same augmentation written for each library.

A ``Bench`` holds one builder per library; each builder returns a callable over the prepared inputs
(so every library sees the same batch in the same run). The torch peers get the same uint8 batch
(kornia converts it to float inside its timed call, as a user would); albumentations gets the same
images as HWC numpy arrays, one at a time, on one thread (its own benchmark method). NVIDIA DALI,
where it is installed, gets the same numpy images as one batch for its CPU operators.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch

import gpuaug as A


@dataclass
class Inputs:
    """One batch in every form the libraries take."""

    image: torch.Tensor                  # (B, 3, H, W) uint8 on the device
    mask: torch.Tensor                   # (B, H, W) int64
    bboxes: torch.Tensor                 # (B, N, 4) pascal_voc
    keypoints: torch.Tensor              # (B, N, 2)
    numpy_images: list = field(default_factory=list)   # HWC uint8 arrays for albumentations
    numpy_masks: list = field(default_factory=list)
    numpy_boxes: list = field(default_factory=list)


@dataclass
class Bench:
    name: str
    family: str
    gpuaug: Callable[[int], Callable]                       # out size -> fn(inputs)
    kornia: Callable[[int], Callable] | None = None
    tv_loop: Callable[[int], Callable] | None = None        # torchvision v2, a loop over samples
    tv_batch: Callable[[int], Callable] | None = None       # torchvision v2 on the whole batch (one draw)
    albumentations: Callable[[int], Callable] | None = None
    dali: Callable[[int], Callable] | None = None          # NVIDIA DALI's CPU operators
    note: str = ""


def _kornia():
    import kornia.augmentation as K
    return K


def _tv():
    from torchvision.transforms import v2
    return v2


def _albu():
    import albumentations as Alb
    return Alb


MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


# ---- gpuaug ------------------------------------------------------------------------------------
def gpuaug_image(aug: A.Transform) -> Callable:
    return lambda x: aug(x.image)


def gpuaug_targets(aug: A.Transform) -> Callable:
    return lambda x: aug(image=x.image, mask=x.mask, bboxes=x.bboxes, keypoints=x.keypoints)


# ---- kornia ------------------------------------------------------------------------------------
def kornia_image(module) -> Callable:
    return lambda x: module(x.image.float().div_(255))


def kornia_targets(module) -> Callable:
    def run(x):
        return module(x.image.float().div_(255), x.mask[:, None].float(), x.bboxes, x.keypoints)
    return run


# ---- torchvision -------------------------------------------------------------------------------
def tv_loop(transform) -> Callable:
    return lambda x: torch.stack([transform(img) for img in x.image])


def tv_batch(transform) -> Callable:
    return lambda x: transform(x.image)


# ---- albumentations ----------------------------------------------------------------------------
def albu_image(compose) -> Callable:
    return lambda x: [compose(image=img)["image"] for img in x.numpy_images]


def albu_targets(compose) -> Callable:
    def run(x):
        return [compose(image=img, mask=m, bboxes=b, keypoints=b[:, :2])
                for img, m, b in zip(x.numpy_images, x.numpy_masks, x.numpy_boxes)]
    return run


# ---- NVIDIA DALI (where installed) -------------------------------------------------------------
def dali_batch(graph: Callable) -> Callable:
    """A callable over ``Inputs`` that runs ``graph(images)`` (DALI operators on an HWC uint8
    batch) as a DALI pipeline of the batch's size on DALI's CPU operators, with as many threads as
    torch uses, executed synchronously (no prefetching: one call is one batch, as for the other
    libraries). Built on the first call; the images are fed each call."""
    from nvidia.dali import fn, pipeline_def, types

    pipes = {}

    def run(x):
        if x.image.device.type != "cpu":
            raise NotImplementedError("the DALI rows use DALI's CPU operators (not written for GPU)")
        batch = len(x.numpy_images)
        if batch not in pipes:
            @pipeline_def(batch_size=batch, num_threads=torch.get_num_threads(), device_id=None,
                          seed=0, enable_conditionals=True, exec_pipelined=False, exec_async=False,
                          prefetch_queue_depth=1)
            def pipe():
                return graph(fn.external_source(name="images", layout="HWC", dtype=types.UINT8))
            pipes[batch] = pipe()
            pipes[batch].build()
        pipes[batch].feed_input("images", x.numpy_images)
        (out,) = pipes[batch].run()
        return out
    return run


# ---------------------------------------------------------------------------------------------
# Pipelines
# ---------------------------------------------------------------------------------------------
def imagenet_pipeline(size: int) -> A.Compose:
    """RandomResizedCrop, HorizontalFlip, ColorJitter p=0.8, GaussianBlur p=0.5 (7x7, sigma in
    [0.1, 2], as the kornia and torchvision peers), Normalize."""
    return A.Compose([
        A.RandomResizedCrop((size, size)), A.HorizontalFlip(),
        A.ColorJitter(0.4, 0.4, 0.4, 0.1, p=0.8),
        A.GaussianBlur(blur_limit=(7, 7), sigma_limit=(0.1, 2.0), p=0.5),
        A.Normalize(MEAN, STD),
    ])


def albumentations_imagenet(size: int) -> list:
    """``imagenet_pipeline``'s transforms in albumentations."""
    Alb = _albu()
    return [Alb.RandomResizedCrop((size, size)), Alb.HorizontalFlip(),
            Alb.ColorJitter(0.4, 0.4, 0.4, 0.1, p=0.8),
            Alb.GaussianBlur(blur_limit=(7, 7), sigma_limit=(0.1, 2.0), p=0.5),
            Alb.Normalize(MEAN, STD)]


def geometric_chain(size: int) -> A.Compose:
    """RandomResizedCrop + HorizontalFlip + Affine + Perspective (one resample in gpuaug)."""
    return A.Compose([
        A.RandomResizedCrop((size, size)), A.HorizontalFlip(),
        A.Affine(rotate=(-15, 15), scale=(0.9, 1.1), shear=(-5, 5), p=1.0),
        A.Perspective(scale=(0.02, 0.05), p=1.0),
    ])


def detection_pipeline(size: int) -> A.Compose:
    return A.Compose([
        A.RandomResizedCrop((size, size), scale=(0.3, 1.0)), A.HorizontalFlip(),
        A.Affine(rotate=(-10, 10), scale=(0.9, 1.1), p=0.5),
        A.ColorJitter(0.3, 0.3, 0.3, 0.05, p=0.8),
    ], bbox_params=A.BboxParams("pascal_voc"), keypoint_params=A.KeypointParams("xy"))


def _pipelines() -> list[Bench]:
    def k_imagenet(size):
        K = _kornia()
        return kornia_image(K.AugmentationSequential(
            K.RandomResizedCrop((size, size)), K.RandomHorizontalFlip(),
            K.ColorJitter(0.4, 0.4, 0.4, 0.1, p=0.8), K.RandomGaussianBlur((7, 7), (0.1, 2.0), p=0.5),
            K.Normalize(torch.tensor(MEAN), torch.tensor(STD))))

    def tv_imagenet(size):
        v2 = _tv()
        return v2.Compose([v2.RandomResizedCrop((size, size), antialias=False), v2.RandomHorizontalFlip(),
                           v2.RandomApply([v2.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
                           v2.RandomApply([v2.GaussianBlur(7, (0.1, 2.0))], p=0.5),
                           v2.ToDtype(torch.float32, scale=True), v2.Normalize(MEAN, STD)])

    def a_imagenet(size):
        return albu_image(_albu().Compose(albumentations_imagenet(size)))

    def d_imagenet(size):
        from nvidia.dali import fn, types

        def graph(x):
            x = fn.random_resized_crop(x, size=(size, size), random_area=(0.08, 1.0),
                                       random_aspect_ratio=(3 / 4, 4 / 3), num_attempts=10,
                                       interp_type=types.INTERP_LINEAR, antialias=False)
            x = fn.flip(x, horizontal=fn.random.coin_flip(probability=0.5))
            # ColorJitter p=0.8 as neutral factors for the skipped samples. DALI's color_twist is
            # one 3x3 colour matrix (YIQ hue rotation), in a fixed order, clipped once: cheaper
            # than a per-sample order of four clipped HSV/gray steps (not like-for-like)
            on = fn.cast(fn.random.coin_flip(probability=0.8), dtype=types.FLOAT)

            def factor(low, high, neutral):
                return neutral + on * (fn.random.uniform(range=(low, high)) - neutral)
            x = fn.color_twist(x, brightness=factor(0.6, 1.4, 1.0), contrast=factor(0.6, 1.4, 1.0),
                               saturation=factor(0.6, 1.4, 1.0), hue=factor(-36.0, 36.0, 0.0))
            if fn.random.coin_flip(probability=0.5):
                x = fn.gaussian_blur(x, window_size=7, sigma=fn.random.uniform(range=(0.1, 2.0)))
            return fn.crop_mirror_normalize(x, dtype=types.FLOAT, output_layout="CHW",
                                            mean=[255 * m for m in MEAN], std=[255 * s for s in STD])
        return dali_batch(graph)

    def k_geometric(size):
        K = _kornia()
        return kornia_image(K.AugmentationSequential(
            K.RandomResizedCrop((size, size)), K.RandomHorizontalFlip(),
            K.RandomAffine(degrees=15, scale=(0.9, 1.1), shear=5, p=1.0),
            K.RandomPerspective(0.1, p=1.0)))

    def tv_geometric(size):
        v2 = _tv()
        return v2.Compose([v2.RandomResizedCrop((size, size), antialias=False), v2.RandomHorizontalFlip(),
                           v2.RandomAffine(degrees=15, scale=(0.9, 1.1), shear=5),
                           v2.RandomPerspective(0.1, p=1.0)])

    def a_geometric(size):
        Alb = _albu()
        return albu_image(Alb.Compose([
            Alb.RandomResizedCrop((size, size)), Alb.HorizontalFlip(),
            Alb.Affine(rotate=(-15, 15), scale=(0.9, 1.1), shear=(-5, 5), p=1.0),
            Alb.Perspective(scale=(0.02, 0.05), p=1.0)]))

    def k_detection(size):
        K = _kornia()
        return kornia_targets(K.AugmentationSequential(
            K.RandomResizedCrop((size, size), scale=(0.3, 1.0)), K.RandomHorizontalFlip(),
            K.RandomAffine(degrees=10, scale=(0.9, 1.1), p=0.5),
            K.ColorJitter(0.3, 0.3, 0.3, 0.05, p=0.8),
            data_keys=["input", "mask", "bbox_xyxy", "keypoints"]))

    def a_detection(size):
        Alb = _albu()
        return albu_targets(Alb.Compose([
            Alb.RandomResizedCrop((size, size), scale=(0.3, 1.0)), Alb.HorizontalFlip(),
            Alb.Affine(rotate=(-10, 10), scale=(0.9, 1.1), p=0.5),
            Alb.ColorJitter(0.3, 0.3, 0.3, 0.05, p=0.8)],
            bbox_params=Alb.BboxParams("pascal_voc", label_fields=[]),
            keypoint_params=Alb.KeypointParams("xy", remove_invisible=False)))

    return [
        Bench("ImageNet pipeline", "pipeline", lambda s: gpuaug_image(imagenet_pipeline(s)),
              k_imagenet, lambda s: tv_loop(tv_imagenet(s)), lambda s: tv_batch(tv_imagenet(s)),
              a_imagenet, d_imagenet),
        Bench("geometric chain", "pipeline", lambda s: gpuaug_image(geometric_chain(s)),
              k_geometric, lambda s: tv_loop(tv_geometric(s)), lambda s: tv_batch(tv_geometric(s)),
              a_geometric),
        Bench("detection (boxes, masks, keypoints)", "pipeline",
              lambda s: gpuaug_targets(detection_pipeline(s)), k_detection, None, None, a_detection),
    ]


def all_benches() -> list[Bench]:
    from .transforms_specs import transform_benches
    return _pipelines() + transform_benches()
