#!/usr/bin/env bash
# The GPU half in one device call (the device tool allows 10 minutes a command, 15 minutes of
# device time a session start included, and brings back at most 8 files from $OUT). Steps run in
# the order the issue needs them, each under its own time limit (about 9 minutes in all), and
# after every step everything so far is packed into $OUT/gpu-results.tar.gz, with the step log in
# $OUT/gpu-summary.txt: a call cut off still brings back what ran. Meant for a lent H100/H200
# that has torch but no kornia / albumentations: carry them as wheels in .whl/ (the download
# command is in benchmarks/RESULTS.md, "GPU"). Run with timeout_s of at least 570.
#
#   DEVICE=cpu QUICK=1 bash benchmarks/gpu.sh   # a dry run of the steps on the CPU (seconds)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-benchmarks/results/gpu}
device=${DEVICE:-cuda}
work=$(mktemp -d)
mkdir -p "$out"
summary="$out/gpu-summary.txt"
: > "$summary"
if [ -d .whl ] && ls .whl/*.whl > /dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl
    export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-}
export PYTHONUNBUFFERED=1
if [ -n "${QUICK:-}" ]; then  # the dry run: tiny batches, short timings, no compiles
    big=4; small=2; size=64; min_time=0.05; rounds=1; compile=()
else
    big=256; small=32; size=224; min_time=1; rounds=3; compile=(--compile)
fi
bench=(python3 -m benchmarks.run --device "$device" --out "$work")

pack() {
    tar -czf "$out/gpu-results.tar.gz" -C "$work" . 2> /dev/null
}

step() {  # step NAME SECONDS COMMAND...: run it under its limit, log its tail, pack the results
    local name=$1 limit=$2 start rc
    shift 2
    start=$(date +%s)
    echo "== $name (limit ${limit} s)" | tee -a "$summary"
    timeout --signal=INT --kill-after=10 "$limit" "$@" > "$work/$name.txt" 2>&1
    rc=$?
    tail -n 25 "$work/$name.txt" >> "$summary"
    echo "== $name: rc $rc in $(( $(date +%s) - start )) s" | tee -a "$summary"
    pack
}

step environment 20 bash -c 'nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv;
    python3 -c "import torch; print(\"torch\", torch.__version__, torch.cuda.is_available() and torch.cuda.get_device_name())"'

# 1. the issue's GPU target first: the ImageNet pipeline at batch 256, eager and compiled,
#    against kornia eager (and torchvision on the whole batch, not like-for-like); the compiled
#    library last, so that a compile that outlasts the limit costs only its own row
step imagenet_b256 110 "${bench[@]}" --family pipeline --only "ImageNet pipeline" \
    --batch "$big" --size "$size" "${compile[@]}" \
    --libs "gpuaug,kornia,torchvision batch*,gpuaug compiled" --min-time "$min_time" --rounds "$rounds"

# 2. correctness on CUDA: the device-parametrised contract (eager), CPU == CUDA random streams,
#    the Triton ColorJitter against the eager path, the GPU tests (CUDA graphs included)
step cuda_tests 40 python3 -m pytest -q -p no:cacheprovider --maxfail=20 tests/test_gpu.py \
    tests/test_random.py tests/test_fused.py
step cuda_contract 90 python3 -m pytest -q -p no:cacheprovider --maxfail=20 tests/test_contract.py \
    -k "cuda and not compiled"

# 3. the three pipelines at batch 256, eager and compiled, kornia eager; at batch 32 eager
step pipelines_b256 140 "${bench[@]}" --family pipeline --batch "$big" --size "$size" \
    "${compile[@]}" --libs "gpuaug,kornia,torchvision batch*,gpuaug compiled" --min-time "$min_time"
step pipelines_b32 30 "${bench[@]}" --family pipeline --batch "$small" --size "$size" \
    --libs "gpuaug,kornia,torchvision batch*" --min-time "$min_time" --no-counts

# 4. every transform at batch 256, eager (no compiles: they would not fit the call)
step transforms 80 "${bench[@]}" --family all --batch "$big" --size "$size" \
    --libs "gpuaug,kornia,torchvision batch*" --min-time 0.2 --no-counts

# 5. gpuaug eager without its Triton kernels (GPUAUG_TRITON=0: ColorJitter's aten path)
step no_triton 30 env GPUAUG_TRITON=0 "${bench[@]}" --family all \
    --only "ImageNet pipeline,ColorJitter" --batch "$small,$big" --size "$size" --libs gpuaug \
    --min-time "$min_time" --no-counts

# 6. the ImageNet pipeline on a DataLoader's channels-last batch (what gpuaug.to_tensor gives)
step channels_last 25 "${bench[@]}" --family pipeline --only "ImageNet pipeline" \
    --batch "$big" --size "$size" --layout channels-last --libs "gpuaug,kornia" \
    --min-time "$min_time" --no-counts

echo "== done" | tee -a "$summary"
rm -rf "$work"
