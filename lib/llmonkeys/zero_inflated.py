r"""Zero-inflated beta-binomial: impossible problems as a point mass at 0.

:cite:t:`kazdan2025efficient` note that a Beta law of the success
probabilities cannot tell a problem that is impossible (:math:`p = 0`)
from one that is merely hard, and that a plain Beta fit is biased upward
when some problems are impossible. A zero-inflated law adds a point mass:
with probability :math:`\pi` a problem has :math:`p = 0`, otherwise
:math:`p = sX` with :math:`X \sim \mathrm{Beta}(\alpha, \beta)`. Then

.. math::

    P(c \mid n) = \pi\,[c = 0] + (1 - \pi)\,P_{\mathrm{BB}}(c \mid n;
    \alpha, \beta, s),

and :math:`\mathrm{pass}_D@k = (1 - \pi)\,(1 - \mathbb{E}[(1 - sX)^k])`
levels off at :math:`1 - \pi`: :math:`-\log\mathrm{pass}_D@k` tends to
:math:`-\log(1 - \pi)` instead of decaying as a power law.

The beta-binomial log-pmf is :func:`llmonkeys.scaled_beta_binomial_logpmf`;
the fitted law is a :class:`llmonkeys.ZeroInflated` of a
:class:`llmonkeys.ScaledBeta`, so its exact curves come for free.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from llmonkeys._validation import check_problem_counts
from llmonkeys.distributions import (
    ScaledBeta,
    ZeroInflated,
    inflate_at_zero,
    scaled_beta_binomial_logpmf,
)
from llmonkeys.fits import fit_scaled_beta_binomial

__all__ = [
    "ZeroInflatedFit",
    "zero_inflated_beta_binomial_logpmf",
    "fit_zero_inflated_beta_binomial",
]

_LOG_SHAPE = (math.log(1e-4), math.log(1e6))
_LOGIT = (-25.0, 25.0)


@dataclass(frozen=True)
class ZeroInflatedFit:
    r"""Maximum-likelihood fit of the zero-inflated beta-binomial.

    Attributes
    ----------
    zero_fraction : float
        :math:`\pi`, the fitted fraction of impossible problems.
    alpha, beta : float
        Shapes of the Beta law of the solvable problems.
    scale : float
        Its scale :math:`s` (given, not fitted).
    nll : float
        Negative log-likelihood at the fit, summed over problems.
    nll_no_zeros : float
        The same for the plain beta-binomial (:math:`\pi = 0`) fitted by
        the same optimiser, for a likelihood-ratio comparison.
    converged : bool
        Whether the optimiser reported success.
    distribution : ZeroInflated
        The fitted law.
    """

    zero_fraction: float
    alpha: float
    beta: float
    scale: float
    nll: float
    nll_no_zeros: float
    converged: bool
    distribution: ZeroInflated = field(repr=False, compare=False)

    @property
    def likelihood_ratio(self) -> float:
        """Twice the log-likelihood gain of the point mass, ``>= 0``."""
        return max(0.0, 2.0 * (self.nll_no_zeros - self.nll))


def zero_inflated_beta_binomial_logpmf(
    c: ArrayLike,
    n: ArrayLike,
    zero_fraction: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    scale: ArrayLike = 1.0,
) -> NDArray[np.float64]:
    r"""Log-probability of ``c`` successes in ``n`` attempts, zero-inflated.

    Parameters
    ----------
    c, n : array_like of int
        Successes and attempts, ``0 <= c <= n``, ``n >= 1``.
    zero_fraction : array_like
        :math:`\pi` in ``[0, 1)``.
    alpha, beta, scale : array_like
        The scaled Beta law of the solvable problems (as in
        :func:`llmonkeys.scaled_beta_binomial_logpmf`).

    Returns
    -------
    numpy.ndarray
        :math:`\log P(C = c \mid n)`, of the broadcast shape.

    Raises
    ------
    ValueError
        If ``zero_fraction`` is outside ``[0, 1)``, or on the errors of
        :func:`llmonkeys.scaled_beta_binomial_logpmf`.

    Examples
    --------
    >>> import numpy as np
    >>> p0 = zero_inflated_beta_binomial_logpmf(0, 10, 0.5, 1.0, 1.0)
    >>> bool(np.isclose(np.exp(p0), 0.5 + 0.5 / 11))
    True
    """
    pi = np.asarray(zero_fraction, dtype=np.float64)
    if not (np.all(np.isfinite(pi)) and np.all((pi >= 0) & (pi < 1))):
        raise ValueError("zero_fraction must be in [0, 1)")
    base = scaled_beta_binomial_logpmf(c, n, alpha, beta, scale)
    with np.errstate(divide="ignore"):
        log_pi, log_rest = np.log(pi), np.log1p(-pi)
    return inflate_at_zero(base, c, log_pi, log_rest)


def _nll(theta: NDArray[np.float64], n: NDArray[np.float64],
         c: NDArray[np.float64], w: NDArray[np.float64], scale: float) -> float:
    a, b = math.exp(theta[0]), math.exp(theta[1])
    base = scaled_beta_binomial_logpmf(c, n, a, b, scale)
    if theta.size == 3:
        lp = inflate_at_zero(base, c, log_expit(theta[2]), log_expit(-theta[2]))
    else:  # the plain beta-binomial
        lp = base
    value = -float(lp @ w)
    return value if math.isfinite(value) else 1e300


def _fit(n, c, w, scale, starts):
    best = None
    bounds = [_LOG_SHAPE, _LOG_SHAPE, _LOGIT]
    for x0 in starts:
        res = minimize(_nll, x0, args=(n, c, w, scale), method="L-BFGS-B",
                       bounds=bounds, options={"ftol": 1e-13, "gtol": 1e-9})
        if best is None or res.fun < best.fun:
            best = res
    return best


def fit_zero_inflated_beta_binomial(
    n: ArrayLike, c: ArrayLike, scale: float = 1.0
) -> ZeroInflatedFit:
    r"""Fit the zero-inflated beta-binomial by maximum likelihood.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes of each of ``P >= 2`` problems; ``n`` may
        vary between problems (e.g. adaptively allocated, or stopped
        after a success: the likelihood of outcome-dependent stopping is
        proportional to the binomial one, so the estimate is unchanged).
    scale : float, default 1.0
        Scale :math:`s` of the Beta law, in ``(0, 1]``.

    Returns
    -------
    ZeroInflatedFit
        :math:`\hat\pi`, :math:`\hat\alpha`, :math:`\hat\beta`, the
        negative log-likelihood and that of the plain fit.

    Raises
    ------
    ValueError
        On invalid counts, fewer than two problems, every ``c = 0`` or
        every ``c = n`` (no maximum), or ``scale`` outside ``(0, 1]``.

    Notes
    -----
    The plain fit is :func:`llmonkeys.fit_scaled_beta_binomial` at the
    same scale; the zero-inflated one is optimised over
    :math:`(\log\alpha, \log\beta, \mathrm{logit}\,\pi)` by L-BFGS-B
    from the plain fit with two starting :math:`\pi`, shapes within
    ``[1e-4, 1e6]``; problems with equal ``(n, c)`` are merged. The
    point mass and a Beta law with :math:`\alpha \to 0` both put mass
    near 0, but only the point mass keeps it there however many attempts are made: the
    unsolved problems' ``n`` tells them apart. The plain fit
    (:math:`\pi = 0`) is on the boundary of the zero-inflated model, so
    the likelihood ratio is referred to the mixture
    :math:`\frac12\chi^2_0 + \frac12\chi^2_1`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = np.where(rng.random(400) < 0.3, 0.0, rng.beta(0.5, 3.0, 400))
    >>> fit = fit_zero_inflated_beta_binomial(1_000, rng.binomial(1_000, p))
    >>> bool(0.2 < fit.zero_fraction < 0.4)
    True
    """
    n_arr, c_arr = check_problem_counts(n, c)
    n_arr = np.broadcast_to(n_arr, c_arr.shape)
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.number) \
            or not 0 < float(scale) <= 1:
        raise ValueError(f"scale must be a number in (0, 1]; got {scale!r}")
    if np.all(c_arr == 0) or np.all(c_arr == n_arr):
        raise ValueError(
            "every c is 0 or every c equals n: the likelihood has no maximum"
        )
    pairs, w = np.unique(np.stack([n_arr, c_arr], 1), axis=0, return_counts=True)
    nq, cq, wq = (pairs[:, 0].astype(float), pairs[:, 1].astype(float),
                  w.astype(float))
    s = float(scale)
    plain_fit = fit_scaled_beta_binomial(n_arr, c_arr, scale=s)
    plain_x = np.log([plain_fit.alpha, plain_fit.beta])
    plain_nll = _nll(plain_x, nq, cq, wq, s)
    unsolved = float(np.mean(c_arr == 0))
    logits = [math.log(v / (1 - v)) for v in (0.01, max(0.02, unsolved * 0.9))]
    zi = _fit(nq, cq, wq, s, [np.array([*plain_x, z]) for z in logits])
    if zi.fun > plain_nll:  # the boundary pi = 0 is at least as good
        theta = np.array([*plain_x, _LOGIT[0]])
        nll, ok = plain_nll, bool(plain_fit.converged)
    else:
        theta, nll, ok = zi.x, float(zi.fun), bool(zi.success)
    pi = float(expit(theta[2]))
    alpha, beta = float(np.exp(theta[0])), float(np.exp(theta[1]))
    law = ZeroInflated(ScaledBeta(alpha, beta, scale=s), pi)
    return ZeroInflatedFit(zero_fraction=pi, alpha=alpha, beta=beta, scale=s,
                           nll=nll, nll_no_zeros=plain_nll, converged=ok,
                           distribution=law)
