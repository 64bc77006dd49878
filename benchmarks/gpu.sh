#!/usr/bin/env bash
# The GPU half in one call: CUDA tests, then the benchmark suite on the GPU (gpuaug eager and
# compiled, kornia, torchvision, albumentations on one CPU thread), results in $OUT (or
# benchmarks/results). Meant for a lent H100/H200 that has torch but no kornia / albumentations:
# carry them as wheels in .whl/ (see benchmarks/RESULTS.md for the download command).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-benchmarks/results}
mkdir -p "$out"
if [ -d .whl ] && ls .whl/*.whl > /dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl
    export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-}
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())" | tee -a "$out/gpu.txt"

# 1. correctness on CUDA: the contract (device-parametrised), RNG CPU == CUDA, fusion, pipelines,
#    and a compiled pipeline under CUDA graphs (mode="reduce-overhead")
python3 -m pytest -x -q -p no:cacheprovider tests/test_contract.py -k "cuda" tests/test_random.py \
    tests/test_gpu.py 2>&1 | tee "$out/gpu_tests.log" | tail -5

# 2. the pipelines at batch 1, 32, 256 and 224 / 512 px, then every transform at batch 256
python3 -m benchmarks.run --device cuda --family pipeline --batch 1,32,256 --size 224,512 \
    --compile --min-time 1 --out "$out" 2>&1 | tee "$out/gpu_pipelines.txt" | tail -40
python3 -m benchmarks.run --device cuda --family all --batch 256 --size 224 --compile \
    --libs "gpuaug,gpuaug compiled,kornia,torchvision loop,torchvision batch*" --min-time 0.5 \
    --out "$out" 2>&1 | tee "$out/gpu_transforms.txt" | tail -80

# 3. gpuaug eager without the Triton kernels (GPUAUG_TRITON=0: ColorJitter's eager aten path),
#    beside the run above, for what the fused ColorJitter gains
GPUAUG_TRITON=0 python3 -m benchmarks.run --device cuda --family all \
    --only "ImageNet pipeline,ColorJitter" --batch 32,256 --size 224 --libs gpuaug \
    --min-time 1 --out "$out" 2>&1 | tee "$out/gpu_no_triton.txt" | tail -10
