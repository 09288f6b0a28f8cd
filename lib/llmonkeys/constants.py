"""Constants of the book: the seed, and numbers quoted from the papers.

Every chapter seeds its generator with :data:`SEED`. The numbers quoted
from the papers carry their source; chapters compare their own computed
results with them, and nothing here is used in a computation.
"""

from __future__ import annotations

__all__ = [
    "SEED",
    "SCHAEFFER2025_PYTHIA_MATH_LSQ_EXPONENT",
    "SCHAEFFER2025_PLOTTED_DISTRIBUTIONAL_EXPONENT",
    "BON_BATCH_SIZE",
    "BON_MAX_ATTEMPTS",
    "JONES2025_WITHIN_ORDER_OF_MAGNITUDE",
    "JONES2025_EXTRAPOLATION_FACTOR",
]

#: Names of ``__all__`` reached as ``lm.constants.<name>`` only (constants
#: that serve one chapter); ``llmonkeys`` re-exports the others.
_MODULE_ONLY: tuple[str, ...] = (
    "JONES2025_WITHIN_ORDER_OF_MAGNITUDE",
    "JONES2025_EXTRAPOLATION_FACTOR",
)

#: Seed of every chapter's random generator.
SEED = 20250226

#: Least-squares power-law exponents of -log pass_D@k for the smallest and
#: largest Pythia model on MATH, as read (to two decimals) off the fitted
#: exponents plotted by Schaeffer et al. (2025) for the Large Language
#: Monkeys data: "about 0.19 for 70M rising to about 0.37 for 12B".
SCHAEFFER2025_PYTHIA_MATH_LSQ_EXPONENT: dict[str, float] = {
    "Pythia 70M": 0.19,
    "Pythia 12B": 0.37,
}

#: Distributional (beta-binomial) exponents as plotted by Schaeffer et al.
#: (2025) against the least-squares ones (figure of their notebook 51,
#: "Power Law Exponent (Beta-Binomial)"), read off to about +-0.01.
SCHAEFFER2025_PLOTTED_DISTRIBUTIONAL_EXPONENT: dict[str, float] = {
    "Pythia 70M": 0.15,
    "Pythia 12B": 0.32,
    "Gemini 1.5 Flash": 0.255,
    "Gemini 1.5 Pro": 0.21,
}

#: Attempts per batch of the Best-of-N jailbreaking data (Hughes et al.
#: 2024, as released by Schaeffer et al. 2025): every ``n`` of
#: :func:`llmonkeys.datasets.load_bon_jailbreaking` is a multiple of 60.
BON_BATCH_SIZE = 60
#: Largest number of attempts of a prompt in the Best-of-N jailbreaking
#: data (167 batches of 60); prompts never broken stopped there.
BON_MAX_ATTEMPTS = 10_020

#: Share of the misuse forecasts of Jones et al. (2025, "Forecasting Rare
#: Language Model Behaviors", arXiv:2502.16797) that stay within one order
#: of magnitude of the true risk when forecasting the risk at 90,000
#: queries from 900 ("86% of misuse forecasts").
JONES2025_WITHIN_ORDER_OF_MAGNITUDE = 0.86
#: The extrapolation factor of that statement: 90,000 / 900 queries.
JONES2025_EXTRAPOLATION_FACTOR = 100
