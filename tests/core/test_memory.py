"""The CPU trainer's malloc setting: in effect where glibc is, harmless elsewhere."""

import ctypes
import subprocess
import sys

import pytest

from digitpad.memory import reuse_freed_memory

GLIBC = sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "gnu_get_libc_version")


@pytest.mark.skipif(not GLIBC, reason="the setting is glibc's")
def test_freed_blocks_are_kept_after_the_setting():
    # In a fresh process: a block above the default mmap threshold is mapped on malloc and
    # unmapped on free unless the setting keeps it in the heap (seen in /proc/self/maps).
    script = """
import ctypes, sys
from digitpad.memory import reuse_freed_memory
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
def mapped_alone(address):
    for line in open("/proc/self/maps"):
        start, end = (int(x, 16) for x in line.split()[0].split("-"))
        if start <= address < end:
            return "[heap]" not in line
    return False
if sys.argv[1] == "on":
    assert reuse_freed_memory()
block = libc.malloc(8 << 20)
print(mapped_alone(block))
libc.free(block)
"""
    runs = {mode: subprocess.run([sys.executable, "-c", script, mode], capture_output=True,
                                 text=True, timeout=60) for mode in ("off", "on")}
    assert all(run.returncode == 0 for run in runs.values()), [r.stderr for r in runs.values()]
    assert runs["off"].stdout.strip() == "True"  # glibc's default: its own mapping
    assert runs["on"].stdout.strip() == "False"  # from the heap, kept for reuse


def test_the_setting_is_idempotent():
    first = reuse_freed_memory()
    assert reuse_freed_memory() == first
    assert first or not GLIBC
