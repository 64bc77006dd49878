"""The counter-based generator: uniform, independent, batch-independent, device- and compile-stable."""
from __future__ import annotations

import math

import pytest
import torch

from gpuaug.core.random import Random, hash32, seeded_key

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def bank(seed: int, call: int, batch: int = 2048, cols: int = 64, device="cpu") -> torch.Tensor:
    key = seeded_key(seed, torch.tensor(call, device=device))
    return Random(batch, torch.device(device), key).uniform(shape=(cols,))


def test_uniform_chi_square_and_moments():
    u = bank(0, 0).flatten().double()
    hist = torch.histc(u, 100, 0, 1)
    expected = u.numel() / 100
    chi2 = ((hist - expected) ** 2 / expected).sum().item()
    assert chi2 < 99 + 5 * math.sqrt(2 * 99)          # 5 sigma of a chi-square with 99 dof
    assert abs(u.mean().item() - 0.5) < 5 * math.sqrt(1 / 12 / u.numel())
    assert abs(u.var().item() - 1 / 12) < 0.002
    assert u.min() >= 0 and u.max() < 1


@pytest.mark.parametrize("axis", ["samples", "columns"])
def test_neighbours_are_uncorrelated(axis):
    u = bank(3, 1).double()
    u = u - u.mean(0)
    if axis == "samples":
        corr = ((u[:-1] * u[1:]).mean(0) / u.var(0)).mean()
    else:
        corr = ((u[:, :-1] * u[:, 1:]).mean(0) / u.var(0)[:-1]).mean()
    assert abs(corr.item()) < 5 / math.sqrt(u.numel())


@pytest.mark.parametrize("a,b", [((0, 0), (0, 1)), ((5, 3), (6, 3)), ((1234, 0), (1235, 0)),
                                 ((0, 0), (1, 1))])
def test_calls_and_seeds_are_unrelated(a, b):
    x, y = bank(*a).flatten().double(), bank(*b).flatten().double()
    corr = torch.corrcoef(torch.stack([x, y]))[0, 1].item()
    assert abs(corr) < 5 / math.sqrt(x.numel())
    # no draw is shared beyond chance (24-bit values: about n / 2**24 of them coincide)
    shared = torch.isin(x, y).double().mean().item()
    assert shared < 2 * x.numel() / 2 ** 24 + 0.005


def test_a_samples_draws_do_not_depend_on_the_batch_size():
    big = bank(9, 4, batch=64)
    small = bank(9, 4, batch=5)
    assert torch.equal(big[:5], small)


def test_draws_do_not_depend_on_block_boundaries():
    key = seeded_key(2, torch.tensor(0))
    a = Random(4, torch.device("cpu"), key)
    first, second = a.uniform(shape=(40,)), a.uniform(shape=(40,))   # spans two blocks of 64
    b = Random(4, torch.device("cpu"), key)
    together = b.uniform(shape=(30,))
    assert torch.equal(first[:, :30], together)
    assert not torch.equal(first, second)


@pytest.mark.parametrize("device", DEVICES)
def test_same_draws_eager_and_compiled(device):
    def draws(counter):
        r = Random(8, torch.device(device), seeded_key(11, counter))
        return r.uniform(-1, 1, (3,)), r.integers(0, 9, (2,)), r.normal(0, 1, (2,)), \
            r.field((8, 2, 5, 6), "normal")
    counter = torch.tensor(3, device=device)
    eager = draws(counter)
    compiled = torch.compile(draws, fullgraph=True)(counter)
    for e, c in zip(eager, compiled):
        if e.is_floating_point():
            assert torch.allclose(e, c, atol=1e-6)
        else:
            assert torch.equal(e, c)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_same_draws_on_cpu_and_cuda():
    assert torch.equal(bank(5, 2, 64).cpu(), bank(5, 2, 64, device="cuda").cpu())


def test_integers_are_inclusive_and_uniform():
    r = Random(60000, torch.device("cpu"), seeded_key(1, torch.tensor(0)))
    k = r.integers(3, 7)
    counts = torch.bincount(k - 3, minlength=5).double()
    assert k.min() == 3 and k.max() == 7
    assert ((counts - 12000).abs() < 5 * math.sqrt(12000)).all()


def test_normal_moments():
    n = Random(100000, torch.device("cpu"), seeded_key(1, torch.tensor(1))).normal(2.0, 3.0)
    assert abs(n.mean().item() - 2.0) < 0.05 and abs(n.std().item() - 3.0) < 0.05


def test_choice_follows_weights_and_permutation_is_one():
    r = Random(40000, torch.device("cpu"), seeded_key(4, torch.tensor(0)))
    c = r.choice([1.0, 3.0])
    assert abs((c == 1).double().mean().item() - 0.75) < 0.01
    p = r.permutation(5)
    assert torch.equal(p.sort(1).values, torch.arange(5).expand(40000, 5))
    first = torch.bincount(p[:, 0], minlength=5).double()
    assert ((first - 8000).abs() < 5 * math.sqrt(8000)).all()


def test_same_on_batch_repeats_sample_zero():
    r = Random(6, torch.device("cpu"), seeded_key(0, torch.tensor(0)), same_on_batch=True)
    u = r.uniform(shape=(3,))
    assert torch.equal(u, u[:1].expand(6, 3))


def test_unseeded_follows_torch_manual_seed():
    torch.manual_seed(0)
    a = Random(4, torch.device("cpu")).uniform(shape=(3,))
    torch.manual_seed(0)
    b = Random(4, torch.device("cpu")).uniform(shape=(3,))
    assert torch.equal(a, b)


def test_hash_is_a_bijection_on_a_sample():
    x = torch.arange(1 << 20, dtype=torch.int64)
    assert hash32(x).unique().numel() == x.numel()


def test_large_batches_do_not_repeat_samples():
    u = bank(1, 0, batch=20000, cols=2)
    assert torch.unique(u[:, 0]).numel() > 19950  # 24-bit values: a few coincide by chance


def test_unseeded_noise_fields_compiled_on_the_cpu_are_atens_draws():
    """Under torch.compile on the CPU an unseeded field is aten's torch.randn / torch.rand (an op
    Inductor calls; its own random code ran 5x slower): the same values as eager under one
    torch.manual_seed, and two fields of one shape in a call stay distinct."""
    def fields(x):
        rng = Random(x.shape[0], x.device)
        return (rng.field((2, 3, 8, 8), "normal"), rng.field((2, 3, 8, 8), "normal"),
                rng.field((2, 3, 8, 8), "uniform"))

    torch._dynamo.reset()
    compiled = torch.compile(fields, fullgraph=True)
    x = torch.zeros(2, 3, 8, 8)
    torch.manual_seed(4)
    eager = fields(x)
    torch.manual_seed(4)
    graph = compiled(x)
    for e, g in zip(eager, graph):
        assert torch.equal(e, g)
    assert not torch.equal(graph[0], graph[1])
    assert 0 <= graph[2].min() and graph[2].max() < 1
