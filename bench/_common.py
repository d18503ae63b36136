"""Shared helpers for the benchmark scripts in bench/: repeated timing with medians, the
machine description, and atomic JSON + markdown output under bench/results/."""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from naslib_nar._io import atomic_write_json, atomic_write_text  # noqa: E402

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def time_repeated(fn: Callable[[], Any], repeats: int = 3, warmup: int = 0) -> Dict[str, Any]:
    """Call ``fn`` ``warmup`` + ``repeats`` times; return the median and every timing (seconds)."""
    for _ in range(warmup):
        fn()
    times: List[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "times_s": times, "repeats": repeats}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MiB; Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def machine() -> Dict[str, Any]:
    info: Dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        pass
    return info


def markdown_table(rows: Sequence[Dict[str, Any]], columns: Sequence[str]) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.4g}"
        return str(v)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(fmt(r.get(c, "")) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def save_results(name: str, rows: Sequence[Dict[str, Any]], columns: Sequence[str], **meta: Any) -> Path:
    """Print the table and write ``bench/results/<name>.json`` and ``.md`` atomically."""
    payload = {"benchmark": name, "machine": machine(), "rows": list(rows), **meta}
    table = markdown_table(rows, columns)
    notes = "\n".join(f"- {k}: {v}" for k, v in meta.items() if isinstance(v, (str, int, float)))
    text = f"# {name}\n\n{table}\n\n{notes}\n\nmachine: `{json.dumps(payload['machine'])}`\n"
    print(text)
    atomic_write_json(RESULTS_DIR / f"{name}.json", payload)
    atomic_write_text(RESULTS_DIR / f"{name}.md", text)
    return RESULTS_DIR / f"{name}.json"
