"""Numbers quoted from the papers, as named constants with their sources.

Chapters compare their own computed results with these values; nothing
here is used in a computation.
"""

from __future__ import annotations

__all__ = [
    "SCHAEFFER2025_PYTHIA_MATH_LSQ_EXPONENT",
]

#: Least-squares power-law exponents of -log pass_D@k for the smallest and
#: largest Pythia model on MATH, as read (to two decimals) off the fitted
#: exponents plotted by Schaeffer et al. (2025) for the Large Language
#: Monkeys data: "about 0.19 for 70M rising to about 0.37 for 12B".
SCHAEFFER2025_PYTHIA_MATH_LSQ_EXPONENT: dict[str, float] = {
    "Pythia 70M": 0.19,
    "Pythia 12B": 0.37,
}
