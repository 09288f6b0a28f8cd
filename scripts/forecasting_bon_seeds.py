"""Re-run the studies of chapters/forecasting_bon.md under other master seeds.

The chapter asserts a comparative claim only if it holds for at least five
master seeds. This script runs the chapter's designs (the same budgets,
replicates and subset sizes as its shown cells) under each seed given and
prints every claim's statistic per seed.

Usage::

    nice -n 10 python scripts/forecasting_bon_seeds.py SEED [SEED ...]
"""

from __future__ import annotations

import sys
import warnings

import pandas as pd

import llmonkeys as lm
import llmonkeys.studies.forecasting_bon as fb

# The chapter's designs (keep in step with its shown cells).
BUDGETS = [120, 1_020]
N_BOOT = 30
SIZES = [16, 32]
TOP = 4
N_REPS = 50


def main(seeds: list[int]) -> None:
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    bon = lm.datasets.load_bon_jailbreaking()
    six = [m for m in lm.datasets.BON_MODELS if m != "Llama 3 8B IT"]
    pd.set_option("display.width", 200)
    for seed in seeds:
        scores = fb.bon_backtest(bon, BUDGETS, n_boot=N_BOOT, seed=seed)
        for name, models in (("six", six), ("Llama", ["Llama 3 8B IT"])):
            summary = fb.paired_summary(scores, models)
            print(f"seed {seed}, {name}: method minus least squares")
            print(summary.round(3).to_string(index=False))
        runs = fb.gumbel_backtest(bon, SIZES, top=TOP, n_reps=N_REPS, seed=seed)
        print(f"seed {seed}, Gumbel tail")
        print(fb.gumbel_summary(runs, seed=seed).round(3).to_string())
        print(f"seed {seed}, Gumbel tail: share of forecasts above the truth "
              f"{(runs['ratio'] > 1).mean():.3f}")


if __name__ == "__main__":
    main([int(s) for s in sys.argv[1:]] or [lm.SEED])
