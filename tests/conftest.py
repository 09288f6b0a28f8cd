"""Test configuration: deterministic property-based tests.

Hypothesis draws its examples from a fixed seed (``derandomize``) and keeps
no example database, so every run, on every machine, checks the same cases
and a failure reproduces exactly.
"""

from hypothesis import settings

settings.register_profile("llmonkeys", derandomize=True, database=None)
settings.load_profile("llmonkeys")
