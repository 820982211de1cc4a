"""Where a benchmark ran: figures from different CPUs are not comparable, so
every benchmark prints this first; the throughput benchmark also sets its
rates against the CPU's fp32 peak."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

EXTENSIONS = {
    "avx2": "AVX2",
    "fma": "FMA",
    "avx512f": "AVX-512",
    "avx512_vnni": "AVX512-VNNI",
    "avx_vnni": "AVX-VNNI",
    "amx_tile": "AMX",
}


def cpu_info() -> dict:
    """Model name, flags, family/model numbers and clock from /proc/cpuinfo (first CPU)."""
    info = {"model": platform.processor() or "unknown CPU", "flags": set(), "family": None, "number": None, "mhz": None}
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return info
    for line in cpuinfo.read_text().splitlines():
        key, _, value = (part.strip() for part in line.partition(":"))
        if key == "processor" and value != "0":
            break
        if key == "model name":
            info["model"] = value
        elif key == "flags":
            info["flags"] = set(value.split())
        elif key == "cpu family":
            info["family"] = int(value)
        elif key == "model":
            info["number"] = int(value)
        elif key == "cpu MHz":
            info["mhz"] = float(value)
    return info


def describe_machine() -> str:
    info = cpu_info()
    found = [name for flag, name in EXTENSIONS.items() if flag in info["flags"]] or ["none of AVX2/AVX-512/VNNI/AMX"]
    clock = f" at {info['mhz'] / 1000:.1f} GHz" if info["mhz"] else ""
    return f"CPU: {info['model']}{clock}; {os.cpu_count()} cores; vector extensions: {', '.join(found)}"


def fp32_flops_per_cycle(info: dict) -> int:
    """fp32 FLOPs one core can retire per cycle, from its vector units: two
    FMA pipes of the widest vector (AMD's first Zen splits 256-bit FMAs in
    two 128-bit halves, so it gets half)."""
    flags = info["flags"]
    if "avx512f" in flags:
        return 64
    if "fma" in flags and "avx2" in flags:
        first_zen = info["family"] == 0x17 and (info["number"] or 0) < 0x30
        return 16 if first_zen else 32
    return 16 if "avx" in flags else 8


def fp32_peak_gflops() -> dict:
    """The CPU's fp32 peak on paper (cores x FLOPs/cycle x the clock that
    /proc/cpuinfo reports, usually the base clock) and what a large matrix
    product reaches here (numpy's BLAS, all cores): the ceiling that
    matters in practice."""
    import numpy as np

    info = cpu_info()
    paper = None
    if info["mhz"]:
        paper = (os.cpu_count() or 1) * fp32_flops_per_cycle(info) * info["mhz"] / 1000
    a = np.random.default_rng(0).random((2048, 1536), dtype=np.float32)
    b = np.random.default_rng(1).random((1536, 1536), dtype=np.float32)
    a @ b
    best = 0.0
    for _ in range(5):
        started = time.perf_counter()
        a @ b
        best = max(best, 2 * 2048 * 1536 * 1536 / (time.perf_counter() - started) / 1e9)
    return {"paper": round(paper, 1) if paper else None, "matmul": round(best, 1)}


if __name__ == "__main__":
    print(describe_machine())
    print(fp32_peak_gflops())
