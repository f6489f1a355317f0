#!/bin/bash
# One short device session: the core's tests with CUDA present, then the live-path and
# training benchmarks on CUDA. Run from the repository root on a machine with a GPU and no
# Qt:  DIGITPAD_DATA=/path/to/mnist OUT=/tmp/out bash benchmarks/gpu_check.sh
set -u
export PYTHONPATH=. PYTHONUNBUFFERED=1
OUT=${OUT:-out}
mkdir -p "$OUT"
nvidia-smi -L
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())"
timeout 240 python3 -m pytest tests/core -q -p no:cacheprovider -x 2>&1 | tee "$OUT/pytest_core.log" | tail -15
timeout 90 python3 benchmarks/live_path.py --calls 3000 --threads 1 | tee "$OUT/live_path.jsonl"
timeout 90 python3 benchmarks/live_path.py --calls 3000 --arch DeepCNN --threads 1 | tee -a "$OUT/live_path.jsonl"
timeout 300 python3 benchmarks/train_speed.py --device cuda | tee "$OUT/train_speed.jsonl"
