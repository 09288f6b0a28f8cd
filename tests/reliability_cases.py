"""Adversarial cases of issue 11 (items 1-5: fits, data layer, inputs).

Each case runs an input a user could pass and sorts the outcome into

* ``ok``: the right answer, or a clear error (the documented type, a
  message naming what was wrong and, for the data layer, no misleading
  "check the network" hint);
* ``unclear``: an error, but a raw one (numpy or OS message, wrong hint,
  an exception type the command line does not catch);
* ``silent-wrong``: no error and a wrong answer or a wrong side effect (a
  different number, a folder named ' ', a temporary file left behind);
* ``hang``: still running after the case's bound.

Run ``python tests/reliability_cases.py`` to print the table and counts
(point ``PYTHONPATH`` at another checkout's ``lib`` to count there);
``tests/test_reliability_cases.py`` asserts there is nothing but ``ok``.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import socket
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

import llmonkeys as lm
from llmonkeys import datasets, estimators

BOUND = 5.0  # seconds a data-layer case may take before it counts as a hang


def _in_thread(func, bound=BOUND):
    """Run func() in a daemon thread; return ("hang", None) past the bound."""
    box: dict = {}

    def work():
        try:
            box["value"] = func()
        except BaseException as err:  # sorted by the caller
            box["error"] = err

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(bound)
    if worker.is_alive():
        return "hang", None
    return ("error", box["error"]) if "error" in box else ("value", box["value"])


class _FakeData:
    """A fake registry, mirror and cache; restores everything on exit."""

    content = b"fake data file\n" * 1000
    path = "processed_data/sub/file.parquet"

    def __enter__(self):
        self.root = Path(tempfile.mkdtemp(prefix="llm-cases-"))
        self.mirror, self.cache = self.root / "mirror", self.root / "cache"
        (self.mirror / self.path).parent.mkdir(parents=True)
        (self.mirror / self.path).write_bytes(self.content)
        reg = self.root / "registry.txt"
        digest = hashlib.sha256(self.content).hexdigest()
        reg.write_text(f"{self.path} sha256:{digest}\n")
        self.saved = (datasets._REGISTRY_FILE, dict(os.environ))
        datasets._REGISTRY_FILE = reg
        datasets.registry.cache_clear()
        os.environ["LLMONKEYS_DATA_MIRROR"] = str(self.mirror)
        os.environ["LLMONKEYS_DATA_DIR"] = str(self.cache)
        os.environ["LLMONKEYS_DATA_TIMEOUT"] = "1"  # ignored before the fix
        return self

    def __exit__(self, *exc):
        datasets._REGISTRY_FILE = self.saved[0]
        os.environ.clear()
        os.environ.update(self.saved[1])
        datasets.registry.cache_clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def stray_files(self):
        return [p for p in self.cache.rglob("*") if p.is_file()
                and p != self.cache / self.path] if self.cache.exists() else []


def _data_outcome(result, fake, want):
    """Sort a data-layer result; ``want`` is the words a clear error holds."""
    kind, value = result
    if kind == "hang":
        return "hang", f"still running after {BOUND:g} s"
    if kind == "value":
        ok = Path(value).read_bytes() == fake.content and not fake.stray_files()
        return ("ok" if ok else "silent-wrong"), "returned a path"
    msg = f"{type(value).__name__}: {value}"
    clear = isinstance(value, datasets.DataFileError) and all(
        w.lower() in str(value).lower() for w in want)
    if want and "network" not in want[0] and "check the network" in str(value):
        clear = False
    if fake.stray_files():
        return "silent-wrong", f"left {fake.stray_files()[0].name}; {msg}"
    return ("ok" if clear else "unclear"), msg[:140]


class _Drip(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(100):
                time.sleep(0.25)
                self.wfile.write(b"x")
                self.wfile.flush()
        except OSError:
            pass

    def log_message(self, *args):
        pass


def data_layer_cases():
    """Yield (item, case, outcome, detail) for the data layer."""
    # Item 2: four threads fill an empty cache, 40 rounds.
    with _FakeData() as fake:
        failures = []
        for r in range(40):
            os.environ["LLMONKEYS_DATA_DIR"] = str(fake.root / f"c{r}")
            with ThreadPoolExecutor(4) as pool:
                futures = [pool.submit(datasets.fetch, fake.path) for _ in range(4)]
            failures += [f.exception() for f in futures if f.exception()]
        yield (2, "4 threads x 40 rounds, empty cache",
               "unclear" if failures else "ok",
               f"{len(failures)} of 160 calls failed" + (
                   f": {failures[0]}"[:120] if failures else ""))
    # Item 3: stalling HTTP mirrors.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    drip = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    drip.daemon_threads = True
    threading.Thread(target=drip.serve_forever, daemon=True).start()
    for name, url in [
        ("server never answers", f"http://127.0.0.1:{listener.getsockname()[1]}/"),
        ("server drips a byte every 0.25 s", f"http://127.0.0.1:{drip.server_port}/"),
    ]:
        with _FakeData() as fake:
            os.environ["LLMONKEYS_DATA_MIRROR"] = url
            result = _in_thread(lambda: datasets.fetch(fake.path))
            yield (3, name, *_data_outcome(result, fake, [fake.path, "within"]))
    drip.shutdown()
    drip.server_close()
    listener.close()
    # Item 5: cache and configuration problems.
    with _FakeData() as fake:
        (fake.cache / fake.path).mkdir(parents=True)
        result = _in_thread(lambda: datasets.fetch(fake.path))
        yield (5, "cached file is a folder",
               *_data_outcome(result, fake, ["folder", str(fake.cache)]))
    with _FakeData() as fake:
        blocker = fake.root / "file"
        blocker.write_text("x")
        os.environ["LLMONKEYS_DATA_DIR"] = str(blocker)
        result = _in_thread(lambda: datasets.fetch(fake.path))
        yield (5, "LLMONKEYS_DATA_DIR is a file",
               *_data_outcome(result, fake, ["LLMONKEYS_DATA_DIR"]))
    with _FakeData() as fake:
        real = tempfile.NamedTemporaryFile, tempfile.mkstemp

        def deny(*args, **kwargs):
            raise PermissionError(13, "Permission denied", str(fake.cache))

        tempfile.NamedTemporaryFile = tempfile.mkstemp = deny
        try:
            result = _in_thread(lambda: datasets.fetch(fake.path))
        finally:
            tempfile.NamedTemporaryFile, tempfile.mkstemp = real
        yield (5, "cache folder not writable (permission denied)",
               *_data_outcome(result, fake, ["permission denied"]))
    with _FakeData() as fake:
        os.environ["LLMONKEYS_DATA_MIRROR"] = "HTTP://127.0.0.1:9/"
        result = _in_thread(lambda: datasets.fetch(fake.path))
        kind, value = result
        is_url = kind == "error" and "neither a URL" not in str(value)
        yield (5, "upper-case HTTP:// mirror", "ok" if is_url else "unclear",
               f"{type(value).__name__}: {value}"[:140])
    with _FakeData() as fake:
        here = os.getcwd()
        os.chdir(fake.root)
        os.environ["LLMONKEYS_DATA_DIR"] = " "
        try:
            made_blank = datasets.cache_dir() == Path(" ")
        finally:
            os.chdir(here)
        yield (5, "LLMONKEYS_DATA_DIR=' '",
               "silent-wrong" if made_blank else "ok",
               "cache folder ' '" if made_blank else "user cache folder")


def _short(value) -> str:
    if isinstance(value, estimators.PowerLawFit):
        return f"exponent {value.exponent:.4g}"
    if isinstance(value, pd.DataFrame):
        return f"a table, first pass@1 {value.iloc[0].to_dict()}"[:100]
    return str(np.round(np.ravel(value)[:3], 4))


def _classify(func, want_error, words=(), expected=None):
    """Sort an estimator call: an error with ``words``, or ``expected``."""
    try:
        value = func()
    except (ValueError, TypeError) as err:
        msg = f"{type(err).__name__}: {err}"
        if not want_error:
            return "unclear", msg[:140]
        clear = all(w.lower() in str(err).lower() for w in words)
        return ("ok" if clear else "unclear"), msg[:140]
    if want_error and expected is None:
        return "silent-wrong", f"returned {_short(value)}"
    good = expected is not None and np.allclose(value, expected, rtol=1e-12)
    return ("ok" if good else "silent-wrong"), f"returned {_short(value)}"


def estimator_cases():
    """Yield (item, case, outcome, detail) for pandas and ragged inputs."""
    n = pd.Series([100, 100, 100, 100], index=[0, 1, 2, 3])
    c = pd.Series([0, 10, 50, 90], index=[0, 1, 2, 3])
    shuffled = c.iloc[[3, 2, 1, 0]]
    shifted = pd.Series(c.to_numpy(), index=[1, 2, 3, 4])
    for name, func in [("pass_at_k", lambda c_: estimators.pass_at_k(n, c_, 5)),
                       ("naive_pass_at_k",
                        lambda c_: estimators.naive_pass_at_k(n, c_, 5)),
                       ("pass_at_k_curve",
                        lambda c_: estimators.pass_at_k_curve(n, c_, [1, 5]))]:
        for what, c_ in (("same labels shuffled", shuffled),
                         ("shifted labels", shifted)):
            yield (4, f"{name}: Series n, c with {what}",
                   *_classify(lambda f=func, cc=c_: f(cc), True, ["index"]))
    k = pd.Series([1.0, 10.0, 100.0], index=[0, 1, 2])
    y = pd.Series(2.0 * k.to_numpy() ** -0.5, index=[0, 1, 2]).iloc[::-1]
    yield (4, "fit_power_law: Series k, y with shuffled labels",
           *_classify(lambda: estimators.fit_power_law(k, y), True, ["index"]))
    counts = pd.DataFrame({"model": ["a", "a", None, "b", "b"],
                           "problem": [0, 1, 2, 0, 1],
                           "n": [10, 10, 10, 10, 10], "c": [1, 0, 9, 2, 2]})
    yield (4, "curves_by_model: a row with model None",
           *_classify(lambda: estimators.curves_by_model(counts, [1]), True,
                      ["model", "missing"]))
    counts_nan = counts.assign(model=["a", "a", np.nan, "b", "b"])
    yield (4, "curves_by_model: a row with model NaN",
           *_classify(lambda: estimators.curves_by_model(counts_nan, [1]), True,
                      ["model", "missing"]))
    dup = pd.concat([counts.iloc[[0, 1, 3, 4]], counts.iloc[[0]]])
    yield (4, "curves_by_model: a duplicated (model, problem) row",
           *_classify(lambda: estimators.curves_by_model(dup, [1]), True,
                      ["duplicate", "('a', 0)"]))
    curves = pd.DataFrame({"model": ["a", "a", "b"], "k": [1, 2, 1],
                           "y": [1.0, 0.5, 1.0]})
    yield (4, "fit_power_laws_by_model: model 'b' has one point",
           *_classify(lambda: estimators.fit_power_laws_by_model(curves), True,
                      ["'b'"]))
    bad_counts = counts.iloc[[0, 1, 3, 4]].assign(c=[1, 0, 20, 2])
    yield (4, "curves_by_model: c > n in model 'b'",
           *_classify(lambda: estimators.curves_by_model(bad_counts, [1]), True,
                      ["'b'", "c="]))
    yield (5, "pass_at_k: ragged list n",
           *_classify(lambda: estimators.pass_at_k([[10, 10], [10]], 1, 1), True,
                      ["ragged"]))
    yield (5, "fit_power_law: ragged list k",
           *_classify(lambda: estimators.fit_power_law([1, [2, 3]], [1, 2]),
                      True, ["ragged"]))
    # Accepted inputs must stay accepted and right.
    yield (4, "pass_at_k: Series n, c with equal labels",
           *_classify(lambda: estimators.pass_at_k(n, c, 5), False,
                      expected=estimators.pass_at_k(n.to_numpy(), c.to_numpy(), 5)))
    yield (4, "pass_at_k: Series c realigned with reindex",
           *_classify(lambda: estimators.pass_at_k(n, shuffled.reindex(n.index), 5),
                      False,
                      expected=estimators.pass_at_k(n.to_numpy(), c.to_numpy(), 5)))


def _fit_outcome(func, words=()):
    """Sort a call that must raise (clearly) or return a sane number.

    A number counts as silent-wrong when it comes from a fit that did not
    converge, is not finite, or is an exponent on or near a shape bound
    (below 2e-4 or above 1e3); a raised ValueError/TypeError is ok when
    it holds ``words``; a numpy warning with a number is unclear.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = func()
        except (ValueError, TypeError) as err:
            msg = f"{type(err).__name__}: {err}"
            clear = all(w.lower() in str(err).lower() for w in words)
            return ("ok" if clear else "unclear"), msg[:140]
    numpy_warns = [w for w in caught if w.category is RuntimeWarning]
    if isinstance(value, lm.exponents.ExponentEstimate):
        bad = (value.fit is not None and not value.fit.converged) or not (
            np.isfinite(value.prefactor) and 2e-4 < value.exponent < 1e3)
        return (("silent-wrong" if bad else "ok"),
                f"exponent {value.exponent:.4g}, prefactor {value.prefactor:.4g}")
    if isinstance(value, lm.exponents.BootstrapResult):
        finite = value.samples[np.isfinite(value.samples)]
        bad = finite.size and ((finite <= 2e-4) | (finite >= 1e3)).any()
        return (("silent-wrong" if bad else "ok"),
                f"interval [{value.low:.4g}, {value.high:.4g}], "
                f"{value.n_failed} failed")
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        return "silent-wrong", f"returned {np.ravel(arr)[:3]}"
    if numpy_warns:
        return "unclear", f"returned {np.ravel(arr)[:3]} with a numpy warning"
    return "silent-wrong", f"returned {np.ravel(arr)[:3]}"


def fit_cases():
    """Yield (item, case, outcome, detail) for fits and numeric smalls."""
    toys = {"one problem solved once (100 attempts)": (100, [0] * 19 + [1]),
            "no overdispersion (c = 50, 51)": (100, [50, 51] * 15),
            "all or nothing (c = 0 or n)": (100, [0] * 10 + [100] * 10)}
    for name, (n, c) in toys.items():
        c = np.array(c)
        for method in ("tail-index", "distributional"):
            yield (1, f"estimate_exponent {method}: {name}",
                   *_fit_outcome(lambda n=n, c=c, m=method:
                                 lm.estimate_exponent(n, c, m),
                                 ["did not converge"]))
        yield (1, f"tail-index forecast: {name}",
               *_fit_outcome(lambda n=n, c=c: lm.forecast.forecast_neg_log_pass_at_k(
                   n, c, [1e4], "tail-index"), ["did not converge"]))
        yield (1, f"bootstrap_exponent tail-index: {name}",
               *_fit_outcome(lambda n=n, c=c: lm.bootstrap_exponent(
                   n, c, "tail-index", n_boot=20, seed=0),
                   ["did not converge"]))
    few = np.array([0, 0, 0, 1, 0, 0, 2, 0, 0, 10])
    yield (1, "bootstrap_exponent tail-index: 10 problems x 10 attempts",
           *_fit_outcome(lambda: lm.bootstrap_exponent(
               10, few, "tail-index", n_boot=20, seed=0)))
    pythia = datasets.load_pythia_math()
    for model, budget in (("Pythia 70M", 10), ("Pythia 70M", 30),
                          ("Pythia 160M", 10), ("Pythia 160M", 30)):
        g = pythia[pythia["model"] == model]
        for seed in range(10):
            sub = lm.forecast.subsample_counts(g["n"], g["c"], budget, seed)
            if not sub.any():
                continue  # nothing solved: a clear error before and after
            yield (1, f"estimate_exponent tail-index: {model}, {budget} "
                   f"attempts, seed {seed}",
                   *_fit_outcome(lambda b=budget, s=sub: lm.estimate_exponent(
                       b, s, "tail-index"), ["did not converge"]))
    # Item 5: numeric smalls.
    yield (5, "posterior_failure_rate alpha = -1",
           *_fit_outcome(lambda: lm.forecast.posterior_failure_rate(
               [10], [1], [5], -1.0, 1.0), ["alpha must be"]))
    yield (5, "posterior_failure_rate beta = -1",
           *_fit_outcome(lambda: lm.forecast.posterior_failure_rate(
               [10], [1], [5], 1.0, -1.0), ["beta must be"]))
    yield (5, "scaled_beta_binomial_logpmf at n = 1e12",
           *_fit_outcome(lambda: lm.scaled_beta_binomial_logpmf(
               3, 1e12, 0.5, 2.0, 0.9), ["n must be <="]))
    yield (5, "subsample_counts with n = 2e9",
           *_fit_outcome(lambda: lm.forecast.subsample_counts(
               2 * 10**9, 5, 10, 0), ["subsample_counts", "n must be <"]))
    yield (5, "ScaledBeta(1000, 1e6).asymptotic()",
           *_fit_outcome(lambda: lm.ScaledBeta(1000.0, 1e6).asymptotic()[0],
                         ["prefactor", "exceeds"]))
    for seed in (-1, 1.5, "a"):
        yield (5, f"bootstrap_exponent seed={seed!r}",
               *_fit_outcome(lambda s=seed: lm.bootstrap_exponent(
                   100, np.arange(20) * 5, n_boot=5, seed=s), ["seed must"]))
    # Log-pmf accuracy at the fit's upper bound, against mpmath (50 digits,
    # closed form): documented as about 2e-10 there.
    import mpmath as mp
    mp.mp.dps = 50
    got = float(lm.scaled_beta_binomial_logpmf(0, 10, 1e6, 1e6))
    a = mp.mpf(10) ** 6
    ref = mp.log(mp.beta(a, a + 10)) - mp.log(mp.beta(a, a))
    err = abs(float(mp.exp(got - ref) - 1))
    documented = "2 \\times 10^{-10}" in (
        lm.scaled_beta_binomial_logpmf.__doc__ or "")
    yield (5, "beta-binomial log-pmf at alpha = beta = 1e6 vs documented",
           "ok" if documented and err < 5e-10 else "silent-wrong",
           f"relative error {err:.2g}; documented 2e-10: {documented}")


def run_all():
    return (list(data_layer_cases()) + list(estimator_cases())
            + list(fit_cases()))


if __name__ == "__main__":
    rows = run_all()
    for item, case, outcome, detail in rows:
        print(f"[{item}] {outcome:12s} {case}: {detail}")
    counts = pd.Series([r[2] for r in rows]).value_counts()
    print(f"{len(rows)} cases: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
