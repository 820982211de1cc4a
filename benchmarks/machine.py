"""Where a benchmark ran: figures from different CPUs are not comparable, so
every benchmark prints this first."""

from __future__ import annotations

import os
import platform
from pathlib import Path

EXTENSIONS = {
    "avx2": "AVX2",
    "fma": "FMA",
    "avx512f": "AVX-512",
    "avx512_vnni": "AVX512-VNNI",
    "avx_vnni": "AVX-VNNI",
    "amx_tile": "AMX",
}


def describe_machine() -> str:
    model, flags = platform.processor() or "unknown CPU", set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model in ("unknown CPU", platform.processor()):
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    found = [name for flag, name in EXTENSIONS.items() if flag in flags] or ["none of AVX2/AVX-512/VNNI/AMX"]
    return f"CPU: {model}; {os.cpu_count()} cores; vector extensions: {', '.join(found)}"


if __name__ == "__main__":
    print(describe_machine())
