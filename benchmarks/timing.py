"""Wall-clock timing shared by the benchmark scripts."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def best_time(func: Callable[[], object], repeats: int) -> float:
    """Return the minimum wall time of ``repeats`` calls of ``func``.

    Like :mod:`timeit`, garbage collection is off while a call is timed:
    otherwise a collection of garbage left by earlier work (mpmath makes
    much) lands on whichever call happens to trigger it.
    """
    times = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
    finally:
        if enabled:
            gc.enable()
    return min(times)
