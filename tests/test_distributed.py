"""DDP: the one-line recipe (seed=base + rank) gives each rank its own reproducible stream."""
from __future__ import annotations

import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import gpuaug as A


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, world: int, port: int, out_dir: str):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    aug = A.Compose([A.RandomResizedCrop((16, 16)), A.HorizontalFlip()], seed=1234 + dist.get_rank())
    images = torch.arange(2 * 3 * 32 * 32, dtype=torch.float32).view(2, 3, 32, 32) / 6144
    first = aug(image=images, return_params=True)["params"]["transforms"][0]["crop"]
    second = aug(image=images, return_params=True)["params"]["transforms"][0]["crop"]
    gathered = [torch.zeros_like(first) for _ in range(world)]
    dist.all_gather(gathered, first)
    torch.save({"first": first, "second": second, "all": gathered}, os.path.join(out_dir, f"{rank}.pt"))
    dist.destroy_process_group()


@pytest.mark.skipif(not dist.is_available(), reason="torch.distributed not built")
def test_each_rank_draws_its_own_reproducible_stream(tmp_path):
    world = 2
    mp.spawn(_worker, args=(world, _free_port(), str(tmp_path)), nprocs=world, join=True)
    results = [torch.load(tmp_path / f"{r}.pt") for r in range(world)]
    assert not torch.equal(results[0]["first"], results[1]["first"])      # ranks differ
    assert not torch.equal(results[0]["first"], results[0]["second"])     # calls differ
    for rank in range(world):                                             # and it is the recipe:
        aug = A.Compose([A.RandomResizedCrop((16, 16)), A.HorizontalFlip()], seed=1234 + rank)
        images = torch.zeros(2, 3, 32, 32)
        again = aug(image=images, return_params=True)["params"]["transforms"][0]["crop"]
        assert torch.equal(again, results[rank]["first"])
