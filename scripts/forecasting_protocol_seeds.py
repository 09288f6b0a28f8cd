"""Re-run the studies of chapters/forecasting_protocol.md under other master seeds.

The chapter asserts a comparative claim only if it holds for at least five
master seeds. This script runs the chapter's designs (the same grids,
sizes and replicates as its shown cells) under each seed given, stores the
raw tables, and prints every claim's statistic per seed.

Usage::

    nice -n 10 python scripts/forecasting_protocol_seeds.py run SEED [SEED ...]
    python scripts/forecasting_protocol_seeds.py check SEED [SEED ...]

Results go to ``$LLMONKEYS_SEED_RUNS`` (default
``_build/.forecasting-protocol-seeds``), never into git.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pandas as pd

import llmonkeys as lm
import llmonkeys.studies.forecasting_protocol as fp

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("LLMONKEYS_SEED_RUNS",
                          ROOT / "_build" / ".forecasting-protocol-seeds"))

# The chapter's designs (keep in step with its shown cells).
AUTHOR_TRUTHS = [("Beta", 0.15, 3.5, 0.1), ("Beta", 0.15, 5.0, 0.1),
                 ("Beta", 0.15, 3.5, 0.8), ("Beta", 0.15, 5.0, 0.8),
                 ("Kumaraswamy", 0.15, 3.5, 0.1), ("Kumaraswamy", 0.15, 3.5, 0.8)]
BOOK_TRUTHS = [("Beta", a, 3.0, 0.3) for a in (0.15, 0.3, 0.6)]
ATTEMPTS = [100, 1_000, 10_000]
DESIGN = {
    "authors": dict(truths=AUTHOR_TRUTHS, n_problems=[64, 128],
                    n_attempts=ATTEMPTS, n_reps=2),
    "book": dict(truths=BOOK_TRUTHS, n_problems=[128], n_attempts=ATTEMPTS,
                 n_reps=3),
    "real": dict(budgets=[100, 1_000], n_reps=2),
    "allocation": dict(budgets=[30, 100], n_reps=3, fits=("beta-binomial",)),
    # Outside the build only (about 1 s per zero-inflated fit): the same
    # allocation backtest, forecast by the zero-inflated beta-binomial.
    "allocation_zi": dict(budgets=[30, 100], n_reps=3, fits=("zero-inflated",)),
    "coverage_syn": dict(law=(0.3, 3.0, 0.3), n_problems=128, n_attempts=100,
                         horizon=[10, 30, 100], n_reps=10, n_boot=39),
    "coverage_real": dict(budget=100, horizon=[10, 30, 100], n_reps=1, n_boot=39),
    "curves": dict(n_reps=2),
}
COVERAGE_METHODS = ("least-squares", "distributional", "empirical-bayes")
CURVE_METHODS = fp.CURVE_METHODS + fp.POST_HOC_CURVE_METHODS


def _coverage_syn(seed: int, boot_law: str) -> pd.DataFrame:
    d = DESIGN["coverage_syn"]
    law = lm.ScaledBeta(*d["law"][:2], scale=d["law"][2])
    return fp.coverage_synthetic(
        law, d["n_problems"], d["n_attempts"], d["horizon"],
        methods=COVERAGE_METHODS, n_reps=d["n_reps"], n_boot=d["n_boot"],
        seed=seed, boot_law=boot_law)


def _coverage_real(counts: pd.DataFrame, seed: int, boot_law: str) -> pd.DataFrame:
    d = DESIGN["coverage_real"]
    return fp.coverage_backtest(
        counts, d["budget"], d["horizon"], methods=COVERAGE_METHODS,
        n_reps=d["n_reps"], n_boot=d["n_boot"], seed=seed, boot_law=boot_law)


def run(seed: int) -> None:
    out = OUT / f"seed_{seed}"
    out.mkdir(parents=True, exist_ok=True)
    math_counts = lm.datasets.load_pythia_math()
    gsm = fp.load_pythia_gsm8k()
    steps = {
        "authors": lambda: fp.exponent_protocol(**DESIGN["authors"], seed=seed),
        "book": lambda: fp.exponent_protocol(**DESIGN["book"], seed=seed),
        "real": lambda: fp.real_exponent_protocol(math_counts, **DESIGN["real"],
                                                  seed=seed),
        "allocation": lambda: fp.allocation_backtest(
            math_counts, **DESIGN["allocation"], seed=seed),
        "allocation_zi": lambda: fp.allocation_backtest(
            math_counts, **DESIGN["allocation_zi"], seed=seed),
        "coverage_syn": lambda: _coverage_syn(seed, "fitted-scale"),
        "coverage_real": lambda: _coverage_real(math_counts, seed, "fitted-scale"),
        # The first version's bootstrap law (not in the chapter): for the
        # diagnosis of its miscalibration.
        "coverage_syn_forecast_law": lambda: _coverage_syn(seed, "forecast"),
        "coverage_real_forecast_law": lambda: _coverage_real(
            math_counts, seed, "forecast"),
        "curves_math": lambda: pd.concat(
            [fp.curve_backtest(math_counts, r, seed=seed, **DESIGN["curves"])
             .assign(ratio=r) for r in (10, 100)]),
        "curves_gsm8k": lambda: fp.curve_backtest(
            gsm, 10, seed=seed, methods=CURVE_METHODS,
            **DESIGN["curves"]).assign(ratio=10),
    }
    only = os.environ.get("ONLY")
    for name, step in steps.items():
        if only and name not in only.split(","):
            continue
        t = time.time()
        df = step()
        df.to_pickle(out / f"{name}.pkl")
        print(f"seed {seed} {name}: {time.time() - t:.1f} s", flush=True)


def _median(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.groupby(keys + ["method"])["rel_error"].median().unstack("method")


def check(seeds: list[int]) -> None:
    rows = []
    for seed in seeds:
        d = OUT / f"seed_{seed}"
        r: dict[str, float] = {"seed": seed}
        if (d / "authors.pkl").exists():
            auth = pd.read_pickle(d / "authors.pkl")
            for fam in ("Beta", "Kumaraswamy"):
                a = _median(auth[auth["family"] == fam], ["n_attempts"])
                for n in ATTEMPTS:
                    for m, short in (("beta-binomial tail index", "tail"),
                                     ("binned Beta", "binB"),
                                     ("Kumaraswamy-binomial tail index", "ktail"),
                                     ("beta-binomial slope", "slope")):
                        r[f"auth{fam[0]}_ls/{short}_{n}"] = (
                            a.loc[n, "least squares"] / a.loc[n, m])
                    best = a.loc[n].drop("least squares").min()
                    r[f"auth{fam[0]}_ls/best_{n}"] = a.loc[n, "least squares"] / best
        if (d / "book.pkl").exists():
            b = _median(pd.read_pickle(d / "book.pkl"), ["alpha", "n_attempts"])
            for alpha in (0.15, 0.3, 0.6):
                for n in ATTEMPTS:
                    row = b.loc[(alpha, n)]
                    r[f"book_ls/tail_{alpha}_{n}"] = (
                        row["least squares"] / row["beta-binomial tail index"])
                    r[f"book_ls/best_{alpha}_{n}"] = (
                        row["least squares"] / row.drop("least squares").min())
        if (d / "real.pkl").exists():
            re = _median(pd.read_pickle(d / "real.pkl"), ["n_attempts"])
            for n in (100, 1_000):
                r[f"real_tail-ls_{n}"] = (re.loc[n, "beta-binomial tail index"]
                                          - re.loc[n, "least squares"])
        for name in ("allocation", "allocation_zi"):
            if not (d / f"{name}.pkl").exists():
                continue
            al = pd.read_pickle(d / f"{name}.pkl")
            for (fit, b_), s in al.groupby(["fit", "budget"]):
                for policy in ("fewest-successes", "forecast-variance"):
                    pdiff = fp.paired_difference(
                        s, column="policy", a=policy, b="uniform",
                        keys=["rep"])
                    key = f"{name}_{fit}_{b_}_{policy}-uniform"
                    r[key] = pdiff["diff"]
                    r[f"{key}_lo"] = pdiff["low"]
                    r[f"{key}_hi"] = pdiff["high"]
        for name in ("coverage_syn", "coverage_real", "coverage_syn_forecast_law",
                     "coverage_real_forecast_law"):
            if (d / f"{name}.pkl").exists():
                cv = pd.read_pickle(d / f"{name}.pkl")
                units = ["rep"] if "syn" in name else ["model", "rep"]
                for row in fp.coverage_summary(cv, units).itertuples():
                    key = f"{name}_{row.method}_{row.confidence}"
                    r[key] = row.coverage
                    r[f"{key}_se"] = row.se
        for name in ("curves_math", "curves_gsm8k"):
            if (d / f"{name}.pkl").exists():
                cu = pd.read_pickle(d / f"{name}.pkl")
                cu = cu[cu["method"].isin(CURVE_METHODS)
                        & (cu["rep"] < DESIGN["curves"]["n_reps"])]
                for ratio, g in cu.groupby("ratio"):
                    for m in CURVE_METHODS[1:]:
                        if m not in set(g["method"]):
                            continue
                        pdiff = fp.paired_difference(
                            g, column="method", a=m, b="least-squares",
                            keys=["rep"])
                        r[f"{name}_{ratio}_{m}-ls"] = pdiff["diff"]
                        r[f"{name}_{ratio}_{m}-ls_lo"] = pdiff["low"]
                        r[f"{name}_{ratio}_{m}-ls_hi"] = pdiff["high"]
        rows.append(r)
    table = pd.DataFrame(rows).set_index("seed").T
    _pooled_coverage(seeds)
    with pd.option_context("display.max_rows", 500, "display.width", 200):
        print(table.round(3).to_string())


def _pooled_coverage(seeds: list[int]) -> None:
    """Coverage pooled over the seeds, with its Monte Carlo error."""
    for name in ("coverage_syn", "coverage_real", "coverage_syn_forecast_law",
                 "coverage_real_forecast_law"):
        files = [OUT / f"seed_{s}" / f"{name}.pkl" for s in seeds]
        frames = [pd.read_pickle(f).assign(seed=s)
                  for s, f in zip(seeds, files, strict=True) if f.exists()]
        if not frames:
            continue
        units = ["seed", "rep"] if "syn" in name else ["seed", "model", "rep"]
        summary = fp.coverage_summary(pd.concat(frames), units)
        print(f"\n{name}, pooled over {len(frames)} seeds:")
        print(summary.round(3).to_string(index=False))


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("run", "check"):
        print(__doc__)
        return 2
    seeds = [int(s) for s in argv[1:]]
    if argv[0] == "run":
        for s in seeds:
            run(s)
    else:
        check(seeds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
