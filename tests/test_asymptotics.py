import numpy as np
import pytest
from scipy.special import gamma

from llmonkeys.asymptotics import (
    CrossoverResult,
    asymptotic_onset_k,
    finite_sample_crossover,
    finite_sample_noise,
    local_exponent,
    log_term_onset_k,
    power_law_window,
    predicted_crossover_k,
    scaled_beta_onset_table,
)
from llmonkeys.distributions import PointMass, ScaledBeta, UniformInterval


class Corrected:
    """y = a k^-b (1 + c/k): local exponent b + c/(k + c), known onset."""

    def __init__(self, a, b, c):
        self.a, self.b, self.c = a, b, c

    def neg_log_pass_at_k(self, k):
        k = np.asarray(k, dtype=float)
        return self.a * k ** (-self.b) * (1 + self.c / k)

    def failure_rate(self, k):
        return self.neg_log_pass_at_k(k)

    def asymptotic(self):
        return self.a, self.b


class Fixed:
    """All problems share one p: finite and population curves coincide."""

    def __init__(self, p):
        self.p = p

    def sample(self, size, rng):
        return np.full(size, self.p)

    def neg_log_pass_at_k(self, k):
        return -np.log1p(-((1 - self.p) ** np.asarray(k, dtype=float)))


def test_local_exponent_of_exact_power_law_and_of_beta():
    k = np.geomspace(1, 1e6, 50)
    np.testing.assert_allclose(local_exponent(Corrected(2.0, 0.7, 0.0), k), 0.7,
                               rtol=1e-10)
    slope = local_exponent(ScaledBeta(0.5, 2.0, 0.5), k)
    np.testing.assert_allclose(slope[-1], 0.5, rtol=3e-3)


def test_local_exponent_of_point_mass_grows():
    slope = local_exponent(PointMass(0.1), np.geomspace(1, 100, 20))
    assert np.all(np.diff(slope) > 0) and slope[-1] > 5


def test_local_exponent_is_nan_where_the_curve_underflows():
    k = np.geomspace(1, 1e5, 30)
    slope = local_exponent(UniformInterval(0.5, 1.0), k)
    finite = np.isfinite(slope)
    assert finite[0] and not finite[-1]
    assert np.all(np.diff(slope[finite]) > 0)
    with pytest.raises(ValueError):
        local_exponent(PointMass(1.0), k)  # zero everywhere


def test_log_term_onset():
    # F = a k^-b is about 2 tol there, exactly where F/((1-F)(-log(1-F))) = 1 + tol.
    k_on = log_term_onset_k(3.0, 0.3, tol=0.02)
    f = 3.0 * k_on**-0.3
    assert f / ((1 - f) * -np.log1p(-f)) == pytest.approx(1.02, rel=1e-12)
    assert 0.9 * 0.04 < f < 0.04
    assert log_term_onset_k(1.0, 0.5) == pytest.approx(log_term_onset_k(1.0, 1.0) ** 2)
    # It explains the onset of a pure power law under -log(1 - F).
    class PurePower(Corrected):
        def neg_log_pass_at_k(self, k):
            return -np.log1p(-self.a * np.asarray(k, dtype=float) ** -self.b)

    got = asymptotic_onset_k(PurePower(0.5, 0.2, 0.0), k_max=1e9)
    assert got == pytest.approx(log_term_onset_k(0.5, 0.2), rel=0.01)
    for bad in ({"prefactor": 0.0}, {"exponent": -1.0}, {"tol": 1.0}):
        args = {"prefactor": 1.0, "exponent": 0.5} | bad
        with pytest.raises(ValueError):
            log_term_onset_k(**args)


@pytest.mark.parametrize("b, c, tol", [(0.5, 10.0, 0.05), (1.0, 3.0, 0.1),
                                       (0.3, 100.0, 0.02)])
def test_onset_matches_closed_form(b, c, tol):
    # |b(k)/b - 1| = c / (b (k + c)) <= tol  <=>  k >= c / (b tol) - c.
    expected = c / (b * tol) - c
    got = asymptotic_onset_k(Corrected(1.0, b, c), tol=tol, k_max=1e7,
                             n_grid=800)
    np.testing.assert_allclose(got, expected, rtol=0.02)


def test_onset_edges():
    assert asymptotic_onset_k(Corrected(1.0, 0.5, 0.0)) == 1.0
    assert asymptotic_onset_k(Corrected(1.0, 0.5, 1e9), k_max=1e4) == np.inf
    # An explicit exponent for a law without a power law: never reached.
    assert asymptotic_onset_k(PointMass(0.1), exponent=1.0, k_max=1e3) == np.inf


def test_onset_beta_grows_with_beta():
    onsets = [asymptotic_onset_k(ScaledBeta(1.0, beta)) for beta in (1, 5, 25)]
    assert onsets[0] < onsets[1] < onsets[2] < 1e4


@pytest.mark.parametrize("kwargs, match", [
    ({"tol": 0.0}, "tol"), ({"tol": 1.5}, "tol"), ({"tol": "x"}, "tol"),
    ({"k_max": 1.0}, "k_max"), ({"k_max": -3}, "k_max"),
    ({"n_grid": 2}, "n_grid"), ({"n_grid": 10.5}, "n_grid"),
    ({"exponent": -1.0}, "exponent"),
])
def test_onset_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        asymptotic_onset_k(ScaledBeta(1.0, 1.0), **kwargs)


def test_onset_needs_a_power_law():
    with pytest.raises(ValueError, match="no power-law tail"):
        asymptotic_onset_k(UniformInterval(0.2, 1.0))


def test_onset_table():
    t = scaled_beta_onset_table([0.5, 1.0], [1.0, 4.0, 16.0], scale=0.5,
                                n_grid=150)
    assert list(t.columns) == ["alpha", "beta", "scale", "onset_k"]
    assert t.shape == (6, 4) and (t["scale"] == 0.5).all()
    one = t[t["alpha"] == 1.0]["onset_k"].to_numpy()
    assert np.all(np.diff(one) > 0)
    with pytest.raises(ValueError):
        scaled_beta_onset_table([-1.0], [1.0])


def test_predicted_crossover_formula():
    np.testing.assert_allclose(predicted_crossover_k(1.0, 1.0, [10, 1000]),
                               [10, 1000], rtol=1e-12)
    # Expected count of problems with p < 1/k_N is one: N (a / Gamma(b+1))
    # k_N^-b = 1.
    a, b, n = 1.7, 0.4, 128
    k_n = predicted_crossover_k(a, b, n)
    np.testing.assert_allclose(n * a / gamma(b + 1) * k_n ** (-b), 1.0,
                               rtol=1e-12)
    assert np.shape(predicted_crossover_k(a, b, [[1, 2], [3, 4]])) == (2, 2)
    # Broadcasts over exponents too.
    both = predicted_crossover_k(1.0, [0.5, 1.0], 100)
    np.testing.assert_allclose(both, [(100 / gamma(1.5)) ** 2, 100.0], rtol=1e-12)


@pytest.mark.parametrize("args, match", [
    ((0.0, 1.0, 10), "prefactor"), ((1.0, -1.0, 10), "exponent"),
    ((1.0, 1.0, 0), "n_problems"), ((1.0, 1.0, [np.nan]), "n_problems"),
    ((1.0, [0.5, 1.0], [1, 2, 3]), "broadcast"),
])
def test_predicted_crossover_validation(args, match):
    with pytest.raises(ValueError, match=match):
        predicted_crossover_k(*args)


def test_finite_sample_crossover_beta():
    dist = ScaledBeta(1.0, 1.0)
    k = np.geomspace(1, 1e6, 60)
    res = finite_sample_crossover(dist, 200, k, rng=3, n_seeds=30)
    assert isinstance(res, CrossoverResult)
    assert res.finite.shape == (30, 60) and res.per_seed.shape == (30,)
    a, b = dist.asymptotic()
    k_n = predicted_crossover_k(a, b, 200)
    assert k_n < res.crossover_k < 10 * k_n
    # Each benchmark bends near k ~ 1 / p_min.
    assert 0.5 < np.median(res.per_seed * res.p_min) < 10
    again = finite_sample_crossover(dist, 200, k, rng=3, n_seeds=30)
    np.testing.assert_array_equal(res.per_seed, again.per_seed)


def test_finite_sample_crossover_never_crosses_for_identical_problems():
    res = finite_sample_crossover(Fixed(0.01), 10, np.geomspace(1, 1e3, 20),
                                  rng=0, n_seeds=3)
    assert np.all(res.per_seed == np.inf) and res.crossover_k == np.inf


@pytest.mark.parametrize("kwargs, match", [
    ({"n_problems": 0}, "n_problems"), ({"n_seeds": 0}, "n_seeds"),
    ({"ratio": 1.0}, "ratio"), ({"ratio": -0.5}, "ratio"),
    ({"k": [1.0]}, "k must"), ({"k": [3.0, 2.0]}, "k must"),
])
def test_finite_sample_crossover_validation(kwargs, match):
    args = {"n_problems": 10, "k": [1.0, 10.0], "rng": 0} | kwargs
    with pytest.raises(ValueError, match=match):
        finite_sample_crossover(ScaledBeta(1.0, 1.0), **args)


def test_finite_sample_noise_exact_for_uniform():
    # Beta(1, 1): F(k) = 1 / (k + 1), so Var = 1/(2k+1) - 1/(k+1)^2.
    k = np.array([1.0, 10.0, 1000.0])
    expected = np.sqrt((1 / (2 * k + 1) - 1 / (k + 1) ** 2) / 50) * (k + 1)
    np.testing.assert_allclose(finite_sample_noise(ScaledBeta(1.0, 1.0), 50, k),
                               expected, rtol=1e-9)


def test_finite_sample_noise_matches_monte_carlo():
    dist = ScaledBeta(0.5, 2.0)
    rng = np.random.default_rng(0)
    p = dist.sample(40 * 4000, rng).reshape(4000, 40)
    means = ((1 - p) ** 50).mean(axis=1)
    mc = means.std() / dist.failure_rate(50.0)
    np.testing.assert_allclose(finite_sample_noise(dist, 40, [50.0])[0], mc,
                               rtol=0.05)


def test_finite_sample_noise_validation():
    with pytest.raises(ValueError, match="n_problems"):
        finite_sample_noise(ScaledBeta(1.0, 1.0), 0, [1.0])
    with pytest.raises(ValueError, match="k must"):
        finite_sample_noise(ScaledBeta(1.0, 1.0), 5, [0.0])


def test_power_law_window():
    dist = ScaledBeta(1.0, 1.0)
    lo, hi = power_law_window(dist, k_max=1e4)
    assert hi == 1e4 and lo == asymptotic_onset_k(dist, k_max=1e4)
    _, hi_small = power_law_window(dist, 100, k_max=1e6)
    _, hi_big = power_law_window(dist, 10_000, k_max=1e6)
    assert hi_small < hi_big < 1e6
    with pytest.raises(ValueError, match="noise"):
        power_law_window(dist, 100, noise=0.0)
