"""Containers, replay, additional targets, input forms and errors.

Small pixel transforms defined here add a known constant, so that every per-sample choice a
container makes can be read off the output values.
"""
from __future__ import annotations

import pytest
import torch

import gpuaug as A
from gpuaug.core.transform import PixelTransform


class Add(PixelTransform):
    """Adds ``value`` (test helper)."""

    identity_params = {"value": 0.0}

    def __init__(self, value: float, p: float = 1.0, seed=None):
        super().__init__(p=p, seed=seed)
        self.value = value

    def sample(self, rng, batch_size, image_size):
        return {"value": rng.uniform(self.value, self.value)}

    def apply(self, image, params, *, max_value):
        return image + params["value"].view(-1, 1, 1, 1)


class Mul(PixelTransform):
    """Multiplies by ``factor`` (test helper, no neutral params: uses the torch.where path)."""

    def __init__(self, factor: float, p: float = 1.0):
        super().__init__(p=p)
        self.factor = factor

    def apply(self, image, params, *, max_value):
        return image * self.factor


def zeros(batch: int, size=(1, 1)) -> torch.Tensor:
    return torch.zeros(batch, 1, *size, dtype=torch.float64)


def values(out: torch.Tensor) -> torch.Tensor:
    return out.flatten(1)[:, 0]


N = 4000


def _frac(mask: torch.Tensor) -> float:
    return mask.float().mean().item()


def test_compose_applies_in_order_and_p():
    out = A.Compose([Add(1.0), Mul(10.0)], seed=0)(zeros(4))
    assert torch.equal(values(out), torch.full((4,), 10.0, dtype=torch.float64))
    out = A.Compose([Add(1.0)], p=0.25, seed=1)(zeros(N))
    assert abs(_frac(values(out) == 1) - 0.25) < 0.03


def test_one_of_weights_are_childrens_p_and_choice_is_per_sample():
    aug = A.OneOf([Add(1.0, p=0.25), Add(2.0, p=0.75)], p=1.0, seed=2)
    v = values(aug(zeros(N)))
    assert set(v.unique().tolist()) == {1.0, 2.0}
    assert abs(_frac(v == 2.0) - 0.75) < 0.03
    v = values(A.OneOf([Add(1.0), Add(2.0)], p=0.5, seed=3)(zeros(N)))
    assert abs(_frac(v == 0) - 0.5) < 0.03


def test_one_of_chosen_child_is_forced():
    v = values(A.OneOf([Add(1.0, p=0.1)], p=1.0, seed=4)(zeros(200)))
    assert torch.equal(v, torch.ones_like(v))


def test_one_or_other():
    v = values(A.OneOrOther(Add(1.0), Add(2.0), p=0.3, seed=5)(zeros(N)))
    assert abs(_frac(v == 1.0) - 0.3) < 0.03 and _frac(v == 0) == 0


def test_some_of_picks_n_distinct_children_per_sample():
    v = values(A.SomeOf([Add(1.0), Add(10.0), Add(100.0)], n=2, seed=6)(zeros(N)))
    assert set(v.unique().tolist()) == {11.0, 101.0, 110.0}
    for total in (11.0, 101.0, 110.0):
        assert abs(_frac(v == total) - 1 / 3) < 0.03


def test_some_of_with_replacement_can_repeat_a_child():
    v = values(A.SomeOf([Add(1.0), Add(10.0)], n=2, replace=True, seed=7)(zeros(N)))
    assert set(v.unique().tolist()) == {2.0, 11.0, 20.0}
    assert abs(_frac(v == 11.0) - 0.5) < 0.03


def test_some_of_respects_childrens_own_p():
    v = values(A.SomeOf([Add(1.0, p=0.5), Add(10.0, p=0.5)], n=2, seed=8)(zeros(N)))
    assert abs(_frac(v == 11.0) - 0.25) < 0.03


def test_sequential():
    v = values(A.Sequential([Add(1.0), Add(10.0)], p=0.5, seed=9)(zeros(N)))
    assert set(v.unique().tolist()) == {0.0, 11.0}
    assert abs(_frac(v == 11.0) - 0.5) < 0.03


def test_random_order_is_per_sample():
    aug = A.RandomOrder([Add(1.0), Mul(2.0)], n=2, seed=10)
    v = values(aug(torch.ones(N, 1, 1, 1, dtype=torch.float64)))
    # (1 + 1) * 2 = 4  or  1 * 2 + 1 = 3
    assert set(v.unique().tolist()) == {3.0, 4.0}
    assert abs(_frac(v == 4.0) - 0.5) < 0.03


def test_random_order_subset():
    v = values(A.RandomOrder([Add(1.0), Add(10.0), Add(100.0)], n=1, seed=11)(zeros(N)))
    assert set(v.unique().tolist()) == {1.0, 10.0, 100.0}


def test_nested_containers_replay_exactly():
    aug = A.Compose([A.OneOf([A.HorizontalFlip(), A.VerticalFlip()], p=0.7),
                     A.SomeOf([Add(0.1), Add(0.2), Mul(0.5)], n=2),
                     A.RandomOrder([Add(0.01), Mul(2.0)], n=2)], seed=12)
    x = torch.rand(16, 3, 8, 10)
    out = aug(image=x, return_params=True)
    again = aug(image=x, params=out["params"])
    assert torch.equal(again["image"], out["image"])
    different = aug(image=x)
    assert not torch.equal(different, out["image"])


def test_same_on_batch_draws_once():
    x = torch.rand(1, 3, 20, 24).expand(8, -1, -1, -1).contiguous()
    out = A.RandomResizedCrop((10, 12), same_on_batch=True, seed=13)(x)
    assert all(torch.equal(out[0], out[i]) for i in range(8))
    out = A.RandomResizedCrop((10, 12), seed=13)(x)
    assert not all(torch.equal(out[0], out[i]) for i in range(8))


def test_unseeded_follows_torch_manual_seed():
    x = torch.rand(8, 3, 20, 24)
    aug = A.RandomResizedCrop((10, 12))
    torch.manual_seed(0)
    a = aug(x)
    torch.manual_seed(0)
    b = aug(x)
    c = aug(x)
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_different_seeds_differ():
    x = torch.rand(8, 3, 20, 24)
    assert not torch.equal(A.RandomResizedCrop((10, 12), seed=1)(x),
                           A.RandomResizedCrop((10, 12), seed=2)(x))


def test_child_with_its_own_seed_is_reproducible_inside_an_unseeded_compose():
    x = torch.rand(8, 3, 20, 24)
    a = A.Compose([A.RandomResizedCrop((10, 12), seed=5)])(x)
    b = A.Compose([A.RandomResizedCrop((10, 12), seed=5)])(x)
    assert torch.equal(a, b)


def test_additional_targets_move_together():
    x = torch.rand(6, 3, 20, 24)
    m = torch.randint(0, 3, (6, 20, 24))
    aug = A.Compose([A.RandomResizedCrop((10, 12)), A.HorizontalFlip()],
                    additional_targets={"image2": "image", "mask2": "mask",
                                        "boxes2": "bboxes", "points2": "keypoints"}, seed=14)
    boxes = torch.tensor([[[2.0, 3.0, 12.0, 15.0]]]).expand(6, 1, 4)
    points = torch.tensor([[[5.0, 6.0]]]).expand(6, 1, 2)
    out = aug(image=x, image2=x.clone(), mask=m, mask2=m.clone(), bboxes=boxes, boxes2=boxes,
              keypoints=points, points2=points)
    assert torch.equal(out["image"], out["image2"]) and torch.equal(out["mask"], out["mask2"])
    assert torch.equal(out["bboxes"], out["boxes2"]) and torch.equal(out["bbox_valid"], out["boxes2_valid"])
    assert torch.equal(out["keypoints"], out["points2"])


def test_replay_applies_the_same_augmentation_to_other_data():
    aug = A.Compose([A.RandomResizedCrop((10, 12)), A.HorizontalFlip()], seed=15)
    x = torch.rand(6, 3, 20, 24)
    out = aug(image=x, return_params=True)
    y = x.flip(1)  # other data, same geometry
    replayed = aug(image=y, params=out["params"])
    assert torch.equal(replayed["image"], out["image"].flip(1))


def test_lists_of_per_sample_boxes_keep_their_lengths():
    x = torch.rand(3, 3, 20, 24)
    boxes = [torch.tensor([[1.0, 2.0, 10.0, 12.0]]), torch.zeros(0, 4),
             torch.tensor([[0.0, 0.0, 5.0, 5.0], [3.0, 3.0, 20.0, 18.0]])]
    out = A.Compose([A.HorizontalFlip(p=1.0)], seed=0)(image=x, bboxes=boxes)
    assert [b.shape[0] for b in out["bboxes"]] == [1, 0, 2]
    assert [v.shape[0] for v in out["bbox_valid"]] == [1, 0, 2]
    assert torch.allclose(out["bboxes"][0], torch.tensor([[14.0, 2.0, 23.0, 12.0]]))


def test_single_image_forms():
    x = torch.rand(3, 20, 24)
    out = A.HorizontalFlip(p=1.0)(image=x, mask=torch.zeros(20, 24, dtype=torch.int64),
                                   bboxes=torch.tensor([[1.0, 2.0, 3.0, 4.0]]),
                                   keypoints=torch.tensor([[1.0, 2.0]]))
    assert out["image"].shape == (3, 20, 24) and out["mask"].shape == (20, 24)
    assert out["bboxes"].shape == (1, 4) and out["bbox_valid"].shape == (1,)
    assert torch.allclose(out["keypoints"], torch.tensor([[22.0, 2.0]]))


def test_bbox_formats_round_trip_through_a_flip():
    x = torch.rand(2, 3, 20, 40)
    pascal = torch.tensor([[[4.0, 2.0, 14.0, 10.0]]]).expand(2, 1, 4)
    expected = torch.tensor([26.0, 2.0, 36.0, 10.0])
    forms = {
        "pascal_voc": pascal,
        "coco": torch.tensor([[[4.0, 2.0, 10.0, 8.0]]]).expand(2, 1, 4),
        "albumentations": pascal / torch.tensor([40.0, 20.0, 40.0, 20.0]),
        "yolo": torch.tensor([[[9.0 / 40, 6.0 / 20, 10.0 / 40, 8.0 / 20]]]).expand(2, 1, 4),
    }
    for fmt, boxes in forms.items():
        aug = A.Compose([A.HorizontalFlip(p=1.0)], bbox_params=A.BboxParams(fmt), seed=0)
        out = aug(image=x, bboxes=boxes)
        back = A.Compose([], bbox_params=A.BboxParams(fmt))(image=x, bboxes=out["bboxes"])
        pascal_out = A.core.targets.boxes_to_pixels(back["bboxes"], fmt, (20, 40))
        assert torch.allclose(pascal_out[0, 0], expected, atol=1e-4), fmt


def test_keypoint_formats_and_angles_through_a_flip():
    x = torch.rand(1, 3, 20, 40)
    kp = torch.tensor([[[5.0, 7.0, 30.0, 2.0]]])
    aug = A.Compose([A.HorizontalFlip(p=1.0)], keypoint_params=A.KeypointParams("xyas"), seed=0)
    out = aug(image=x, keypoints=kp)["keypoints"][0, 0]
    assert torch.allclose(out, torch.tensor([34.0, 7.0, 150.0, 2.0]), atol=1e-4)
    aug = A.Compose([A.HorizontalFlip(p=1.0)], keypoint_params=A.KeypointParams("yx"), seed=0)
    out = aug(image=x, keypoints=torch.tensor([[[7.0, 5.0]]]))["keypoints"][0, 0]
    assert torch.allclose(out, torch.tensor([7.0, 34.0]))


def test_bbox_params_filters_mark_rows_invalid():
    x = torch.rand(1, 3, 20, 40)
    boxes = torch.tensor([[[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 2.0, 2.0], [30.0, 5.0, 60.0, 15.0]]])
    aug = A.Compose([], bbox_params=A.BboxParams("pascal_voc", min_area=10, min_visibility=0.6))
    out = aug(image=x, bboxes=boxes)
    assert out["bbox_valid"][0].tolist() == [True, False, False]
    assert torch.allclose(out["bboxes"][0, 2], torch.tensor([30.0, 5.0, 40.0, 15.0]))


@pytest.mark.parametrize("bad, error", [
    (dict(p=1.5), ValueError),
    (dict(p="x"), TypeError),
    (dict(transforms=A.HorizontalFlip()), TypeError),
    (dict(transforms=[lambda x: x]), TypeError),
    (dict(additional_targets={"image2": "picture"}), ValueError),
    (dict(bbox_params="coco"), TypeError),
])
def test_configuration_errors_at_construction(bad, error):
    kwargs = dict(transforms=[A.HorizontalFlip()])
    kwargs.update(bad)
    with pytest.raises(error):
        A.Compose(**kwargs)


def test_bbox_params_errors():
    with pytest.raises(ValueError, match="format"):
        A.BboxParams("xywh")
    with pytest.raises(ValueError, match="min_visibility"):
        A.BboxParams("coco", min_visibility=2)
    with pytest.raises(ValueError, match="format"):
        A.KeypointParams("xyz")


@pytest.mark.parametrize("inputs, error, match", [
    (dict(image=torch.rand(3, 3, 4, 4, 4)), ValueError, "image"),
    (dict(image=torch.zeros(2, 3, 8, 8, dtype=torch.int32)), TypeError, "image"),
    (dict(image=[[1, 2]]), TypeError, "image"),
    (dict(image=torch.rand(2, 3, 8, 8), mask=torch.zeros(3, 8, 8)), ValueError, "batch"),
    (dict(image=torch.rand(2, 3, 8, 8), mask=torch.zeros(2, 8, 9)), ValueError, "size"),
    (dict(image=torch.rand(2, 3, 8, 8), bboxes=torch.zeros(2, 1, 3)), ValueError, "columns"),
    (dict(image=torch.rand(2, 3, 8, 8), bboxes=torch.zeros(3, 1, 4)), ValueError, "batch"),
    (dict(image=torch.rand(2, 3, 8, 8), keypoints=torch.zeros(2, 1)), ValueError, "keypoints"),
    (dict(image=torch.rand(2, 3, 8, 8), picture=torch.rand(2, 3, 8, 8)), TypeError, "picture"),
])
def test_input_errors_name_the_argument(inputs, error, match):
    with pytest.raises(error, match=match):
        A.Compose([A.HorizontalFlip()])(**inputs)


def test_fuse_false_matches_fused_for_exact_transforms():
    x = torch.randint(0, 256, (4, 3, 20, 24), dtype=torch.uint8)
    chain = [A.HorizontalFlip(), A.VerticalFlip(), A.Resize(20, 24)]
    fused = A.Compose(chain, seed=16)(x)
    steps = A.Compose(chain, seed=16, fuse=False)(x)
    assert torch.equal(fused, steps)


def test_fused_chain_is_one_interpolation_and_close_to_step_by_step():
    """RandomResizedCrop -> HorizontalFlip -> Resize is one crop, one resize and a flip: the fused
    result equals cv2.resize of the crop straight to the final size (flipped), while fuse=False
    interpolates twice and is blurrier, yet close."""
    cv2 = pytest.importorskip("cv2")
    from gpuaug.sample import sample_batch
    x = sample_batch(4, (64, 80))["image"]
    chain = [A.RandomResizedCrop((48, 56), scale=(0.5, 1.0)), A.HorizontalFlip(p=1.0),
             A.Resize(40, 44)]
    out = A.Compose(chain, seed=17)(image=x, return_params=True)
    steps = A.Compose(chain, seed=17, fuse=False)(x).float()
    fused = out["image"].float()
    crops = out["params"]["transforms"][0]["crop"].long().tolist()
    for i, (x0, y0, x1, y1) in enumerate(crops):
        window = x[i, :, y0:y1, x0:x1].permute(1, 2, 0).numpy()
        ref = torch.from_numpy(cv2.resize(window, (44, 40), interpolation=cv2.INTER_LINEAR))
        ref = ref.permute(2, 0, 1).flip(-1).float()
        inner = (slice(None), slice(1, -1), slice(1, -1))  # the crop window's own edge, see RandomResizedCrop
        assert (fused[i][inner] - ref[inner]).abs().max() <= 1
        assert (steps[i] - ref).abs().mean() > (fused[i] - ref).abs().mean()
    diff = (fused - steps).abs()
    assert diff.mean() < 3.0


def test_returned_params_read_like_dicts_and_replay_from_plain_dicts():
    """A transform's params are a Params mapping (not a dict subclass, for torch 2.4's Dynamo):
    dict operations work on it, and a plain-dict copy with a value changed by hand replays."""
    aug = A.Compose([Add(1.0), A.HorizontalFlip(p=0.5)], seed=3)
    x = torch.zeros(4, 3, 5, 6)
    out = aug(image=x, return_params=True)
    add = out["params"]["transforms"][0]
    assert set(add) == set(add.keys()) == {"value", "apply"} and len(add) == 2 and "value" in add
    assert add.get("missing") is None and add == dict(add) and add.copy() == add
    plain = {"apply": out["params"]["apply"],
             "transforms": [dict(p) for p in out["params"]["transforms"]]}
    plain["transforms"][0]["value"] = torch.full((4,), 2.0)
    again = aug(image=x, params=plain)
    assert torch.equal(again["image"], out["image"] + 1.0)
