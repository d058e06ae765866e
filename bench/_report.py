"""Print a benchmark table and write it as JSON under bench/results/."""
from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def report(name: str, rows: list[dict[str, object]]) -> None:
    """Print ``rows`` as an aligned table and save them to ``bench/results/<name>.json``."""
    columns = list(rows[0])
    widths = {c: max(len(str(c)), *(len(_fmt(r[c])) for r in rows)) for c in columns}
    print("  ".join(str(c).ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(_fmt(row[c]).ljust(widths[c]) for c in columns))
    RESULTS.mkdir(exist_ok=True)
    payload = {"benchmark": name, "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": f"{platform.machine()} {platform.python_version()}", "rows": rows}
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")


def _fmt(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def memory_mib(processes: list[Any]) -> tuple[float, float]:
    """Total RSS and PSS (MiB) of ``processes`` (psutil.Process); a process that is gone counts 0."""
    import psutil

    rss = pss = 0.0
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20
