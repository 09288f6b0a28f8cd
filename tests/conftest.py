"""Test configuration: deterministic property-based tests.

Hypothesis draws its examples from a fixed seed (``derandomize``) and keeps
no example database, so every run, on every machine, checks the same cases
and a failure reproduces exactly.
"""

from hypothesis import settings

settings.register_profile("llmonkeys", derandomize=True, database=None)
settings.load_profile("llmonkeys")

# The browser page test needs a built site and Chromium: `make pagetest` runs
# it (LLMONKEYS_PAGETEST=1), `make test` and a bare `pytest tests` do not.
import os  # noqa: E402

if os.environ.get("LLMONKEYS_PAGETEST") != "1":
    collect_ignore = ["browser"]
