"""Keeping freed memory for reuse during CPU training and evaluation.

glibc's malloc hands blocks above its mmap threshold (128 KiB to start with) back to the
kernel on free, so every batch's activations arrive as fresh pages, and each first touch
of a page is a fault. In a virtual machine a fault costs microseconds: measured on a
2-core VM, a SimpleCNN epoch took 6.5-8.1 s with the defaults and 3.6 s with freed memory
kept (benchmarks/train_speed.py). PyTorch's CPU tuning guide suggests jemalloc or tcmalloc
for the same reason; glibc's own knobs get most of it without a new dependency.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

# mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

# Blocks below this come from the heap and are reused (32 MiB is the most glibc allows on
# 64-bit systems); a batch of 512 SimpleCNN activations (22 MB) is inside it.
MMAP_THRESHOLD = 32 << 20
# Free memory at the top of the heap kept rather than returned to the kernel.
TRIM_THRESHOLD = 512 << 20

_done = False


def reuse_freed_memory() -> bool:
    """Make malloc keep large freed blocks for reuse (once per process; glibc only).

    Returns whether the setting is in effect. Elsewhere (macOS, Windows, musl) it does
    nothing: their allocators do not return every large block to the kernel."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    _done = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _done
