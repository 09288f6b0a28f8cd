r"""Engine of the Beta integrals behind every law's exact curve (private).

Computes, in log space, :math:`\int_0^1 x^{a-1}(1-x)^{b-1}(1-sx)^m\,dx`
and its Kumaraswamy analogue: by a finite sum of positive terms when
``m`` is a whole number and the sum is cheap (Pfaff's transformation,
:mod:`llmonkeys._special`), otherwise by adaptive Gauss--Kronrod
quadrature in the logit variable. The public, validated entry point is
:func:`llmonkeys.distributions.log_beta_integral`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from llmonkeys._special import betaln as _betaln
from llmonkeys._special import binomial_sum_window, log_beta_integral_sum

__all__ = [
]

# The 21-point Gauss-Kronrod rule and its embedded 10-point Gauss rule on
# [-1, 1] (QUADPACK's dqk21): abscissae >= 0 and their weights.
_XK_HALF = np.array(
    [
        0.0,
        0.148874338981631210884826001129720,
        0.294392862701460198131126603103866,
        0.433395394129247190799265943165784,
        0.562757134668604683339000099272694,
        0.679409568299024406234327365114874,
        0.780817726586416897063717578345042,
        0.865063366688984510732096688423493,
        0.930157491355708226001207180059508,
        0.973906528517171720077964012084452,
        0.995657163025808080735527280689003,
    ]
)

_WK_HALF = np.array(
    [
        0.149445554002916905664936468389821,
        0.147739104901338491374841515972068,
        0.142775938577060080797094273138717,
        0.134709217311473325928054001771707,
        0.123491976262065851077958109831074,
        0.109387158802297641899210590325805,
        0.093125454583697605535065465083366,
        0.075039674810919952767043140916190,
        0.054755896574351996031381300244580,
        0.032558162307964727478818972459390,
        0.011694638867371874278064396062192,
    ]
)

# Weights of the Gauss nodes, which are _XK_HALF[1::2].
_WG_HALF = np.array(
    [
        0.295524224714752870173892994651338,
        0.269266719309996355091226921569469,
        0.219086362515982043995534934228163,
        0.149451349150580593145776339657697,
        0.066671344308688137593568809893332,
    ]
)

_GK_NODES = np.concatenate([-_XK_HALF[:0:-1], _XK_HALF])

_GK_WEIGHTS = np.concatenate([_WK_HALF[:0:-1], _WK_HALF])

_G_WEIGHTS = np.zeros(21)
_G_WEIGHTS[10 + np.arange(1, 11, 2)] = _WG_HALF
_G_WEIGHTS[10 - np.arange(1, 11, 2)] = _WG_HALF


# The integrand is integrated out to where it is e^-_DROP below its peak.
_DROP = 50.0

# Ladder searching for that point: offsets h * _LADDER_RATIO**j from the mode.
_LADDER_RATIO = 4.0

_LADDER_STEPS = 18

_STEPS = _LADDER_RATIO ** np.arange(_LADDER_STEPS)

_LADDER = np.concatenate([-_STEPS, _STEPS])

# Largest grading scale h of the logarithmic map (features of the
# integrand in the logit variable are about one unit wide).
_MAX_SCALE = 1.0

# Initial panels per side of the mode, relative tolerance of a panel
# (|Kronrod - Gauss| against the running total), and limits of the
# adaptive bisection.
_PANELS = 4

_PANEL_TOL = 1e-11

_MAX_ROUNDS = 60

_MAX_INTERVALS = 2_000_000

# Cost model choosing between the finite sum of a whole-number m
# (llmonkeys._special.log_beta_integral_sum) and the quadrature, in units
# of one term of the sum (about 25 ns on a 2-core machine): a problem's
# quadrature costs about as much as 600 terms, and a call of the
# quadrature another 14,000 terms of fixed cost (about 0.35 ms).
_SUM_TERMS_PER_PROBLEM = 600

_SUM_TERMS_PER_QUADRATURE_CALL = 14_000


def _log_sigmoid_parts(
    u: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Return ``exp(-|u|)``, ``log sigmoid(u)`` and ``log sigmoid(-u)``."""
    e = np.exp(-np.abs(u))
    l1 = np.log1p(e)
    return e, np.minimum(u, 0.0) - l1, -np.maximum(u, 0.0) - l1


def _psi_beta(
    u: NDArray[np.float64],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
    oms: NDArray[np.float64],
) -> NDArray[np.float64]:
    r"""Log integrand of the Beta integral in :math:`u = \mathrm{logit}(x)`.

    :math:`a\log x + b\log(1-x) + m\log(1-sx)`, the Jacobian
    :math:`x(1-x)` included; ``oms`` is ``1 - s``. Where ``s x > 1/2``,
    :math:`1 - sx` is formed as ``oms + s (1 - x)`` to keep its digits.
    """
    e, lx, ly = _log_sigmoid_parts(u)
    inv = 1.0 / (1.0 + e)
    small = e * inv  # x where u <= 0, 1 - x where u > 0
    sx = s * np.where(u > 0.0, inv, small)
    lq = np.log1p(-sx)
    fix = sx > 0.5
    if fix.any():
        lq[fix] = np.log(
            np.broadcast_to(oms, u.shape)[fix] + (s * small)[fix]
        )
    return a * lx + b * ly + m * lq


def _beta_mode(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
    oms: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Mode and curvature scale of :func:`_psi_beta` (for ``s < 1``).

    The mode solves :math:`A x^2 - B x + a = 0` with
    :math:`A = s(a+b+m)`, :math:`B = a+b+s(a+m)`, which has exactly one
    root in ``(0, 1)``. Its discriminant equals
    :math:`B'^2 + 4Ab(1-s)`, :math:`B' = a+b-s(a+2b+m)`, a sum of
    non-negative terms, so both :math:`x` and :math:`1-x` come out to full
    relative precision (the coefficients are divided by :math:`a+b+m`
    first, so that nothing overflows). The curvature there is
    :math:`-x[b + m s (1-x)^2/(1-sx)^2]`.
    """
    # Coefficients divided by a + b + m, so that nothing overflows.
    total = a + b + m
    an, bn, mn = a / total, b / total, m / total
    big_b = an + bn + s * (an + mn)
    b_prime = an + bn - s * (an + 2.0 * bn + mn)
    sq = np.sqrt(b_prime * b_prime + 4.0 * s * bn * oms)
    # Logs first: x and 1 - x may underflow when a or b is tiny.
    log_x = np.log(2.0 * a) - np.log(total) - np.log(big_b + sq)
    neg = b_prime <= 0.0
    log_y = np.where(
        neg,
        np.log(sq - b_prime) - np.log(2.0 * s),
        np.log(2.0 * b * oms) - np.log(total) - np.log(b_prime + sq),
    )
    x, y = np.exp(log_x), np.exp(log_y)
    u = np.where(x < 0.5, log_x - np.log1p(-x), np.log1p(-y) - log_y)
    t = y / (oms + s * y)
    sigma = 1.0 / np.sqrt(x * (b + m * s * t * t))
    return u, sigma


def _psi_kumaraswamy(
    u: NDArray[np.float64],
    a1: NDArray[np.float64],
    b: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
    oms: NDArray[np.float64],
    inv_a: NDArray[np.float64],
) -> NDArray[np.float64]:
    r"""Log integrand of the Kumaraswamy integral in :math:`u = \mathrm{logit}(y)`.

    :math:`a_1 \log y + b \log(1-y) + m \log(1 - s y^{1/a})`, the Jacobian
    :math:`y(1-y)` included (:math:`a_1 = 1 + c/a`).
    """
    e, ly, lomy = _log_sigmoid_parts(u)
    t = ly * inv_a
    sz = s * np.exp(t)
    lq = np.log1p(-sz)
    fix = sz > 0.5
    if fix.any():
        lq[fix] = np.log(
            np.broadcast_to(oms, u.shape)[fix] - (s * np.expm1(t))[fix]
        )
    return a1 * ly + b * lomy + m * lq


def _kumaraswamy_terms(
    u: NDArray[np.float64],
    a1: NDArray[np.float64],
    b: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
    oms: NDArray[np.float64],
    inv_a: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""Return :math:`G`, :math:`G'` and :math:`1-y` at ``u``.

    :math:`\psi'(u) = (1-y)\,G(u)` with
    :math:`G = a_1 - (ms/a)\,z/(1-sz) - b e^u`, :math:`z = y^{1/a}`,
    strictly decreasing in ``u``.
    """
    e, ly, _ = _log_sigmoid_parts(u)
    omy = np.where(u > 0.0, e, 1.0) / (1.0 + e)
    t = ly * inv_a
    z = np.exp(t)
    den = np.where(s * z <= 0.5, 1.0 - s * z, oms - s * np.expm1(t))
    q = z / den
    eu = np.exp(u)
    msa = m * s * inv_a
    g = a1 - msa * q - b * eu
    dg = -msa * inv_a * q * omy / den - b * eu
    return g, dg, omy


def _kumaraswamy_mode(
    a1: NDArray[np.float64],
    b: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
    oms: NDArray[np.float64],
    inv_a: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mode and curvature scale of :func:`_psi_kumaraswamy`.

    Safeguarded Newton iteration on the decreasing function ``G`` of
    :func:`_kumaraswamy_terms`, inside a bracket built from the points
    where each of its two decreasing terms alone reaches ``a1`` (upper
    end) or ``a1 / 2`` (lower end).
    """

    def single_root(level: NDArray[np.float64]) -> NDArray[np.float64]:
        # Root of (m s / a) z / (1 - s z) = level, as logit(y); +inf if none.
        r = level / (m * s * inv_a)
        z = r / (1.0 + s * r)
        ly = np.log(z) / inv_a
        ok = (ly < 0.0) & (m > 0.0)
        ly = np.where(ok, ly, -1.0)
        return np.where(ok, ly - np.log(-np.expm1(ly)), np.inf)

    hi = np.minimum(np.log(a1 / b), single_root(a1))
    lo = np.minimum(np.log(0.5 * a1 / b), single_root(0.5 * a1))
    u = hi.copy()
    for _ in range(200):
        g, dg, omy = _kumaraswamy_terms(u, a1, b, m, s, oms, inv_a)
        lo = np.where(g > 0.0, u, lo)
        hi = np.where(g < 0.0, u, hi)
        step = g / dg
        # The quadrature needs the mode to a small fraction of its width.
        tol = 1e-8 * np.minimum(1.0 / np.sqrt(-omy * dg), 1.0)
        done = (np.abs(step) <= tol) | (hi - lo <= tol) | (g == 0.0)
        if done.all():
            break
        nxt = u - step
        inside = (nxt >= lo) & (nxt <= hi)
        u = np.where(done, u, np.where(inside, nxt, 0.5 * (lo + hi)))
    _, dg, omy = _kumaraswamy_terms(u, a1, b, m, s, oms, inv_a)
    return u, 1.0 / np.sqrt(-omy * dg)


def _logit_quadrature(psi, u_star, sigma, params, rates) -> NDArray[np.float64]:
    r"""Return :math:`\log\int_{-\infty}^{\infty} e^{\psi(u)}\,du` per problem.

    ``psi(u, *params)`` is unimodal with mode ``u_star`` and curvature
    scale ``sigma`` (1-D arrays, one entry per problem). On each side of
    the mode a ladder of offsets :math:`h \cdot 4^j`,
    :math:`h = \min(\sigma, 1)`, finds a reach :math:`D` where
    :math:`\psi` has fallen :math:`50` below its peak (the rest is below
    :math:`e^{-50}` of it); :math:`[0, D]` is mapped by
    :math:`v = h(e^w - 1)`, which grades the nodes geometrically away from
    the mode, and :math:`w` is integrated by 21-point Gauss--Kronrod
    panels, bisected until :math:`|K_{21} - G_{10}|` of every panel is
    below :math:`10^{-11}` of the running total. All problems are
    processed together as one flat list of panels.

    ``rates`` holds the slopes of :math:`\mp\psi` far out on the left and
    on the right. Only if the ladder ends (at :math:`h \cdot 4^{17}`)
    before the drop of 50, which takes a tail exponent below about
    :math:`10^{-8}`, is the rest added in closed form as
    :math:`e^{\psi}/\mathrm{rate}`: so far out the log-integrand is
    linear to double precision.
    """
    n_prob = u_star.size
    psi_star = psi(u_star, *params)
    h = np.minimum(sigma, _MAX_SCALE)
    # Both ladders in one call: columns -steps then +steps.
    vals = psi(u_star[:, None] + h[:, None] * _LADDER, *[p[:, None] for p in params])
    below = (vals < (psi_star - _DROP)[:, None]).reshape(n_prob, 2, _LADDER_STEPS)
    reached = below.any(axis=2)
    j = np.where(reached, below.argmax(axis=2), _LADDER_STEPS - 1)
    # Closed-form tails beyond a ladder that never dropped far enough.
    ends = vals.reshape(n_prob, 2, _LADDER_STEPS)[:, :, -1] - psi_star[:, None]
    tails = np.where(reached, 0.0, np.exp(ends) / np.stack(rates, axis=1))
    # Initial panels, ordered (problem, side, panel).
    width = np.repeat(np.log1p(_LADDER_RATIO ** j.ravel()) / _PANELS, _PANELS)
    w0 = width * np.tile(np.arange(_PANELS, dtype=np.float64), 2 * n_prob)
    w1 = w0 + width
    idx = np.repeat(np.arange(n_prob), 2 * _PANELS)
    sign = np.tile(np.repeat([-1.0, 1.0], _PANELS), n_prob)
    total = tails.sum(axis=1)
    for rnd in range(_MAX_ROUNDS):
        half = 0.5 * (w1 - w0)
        mid = w0 + half
        w = mid[:, None] + half[:, None] * _GK_NODES
        hi = h[idx]
        u = u_star[idx][:, None] + (sign * hi)[:, None] * np.expm1(w)
        f = np.exp(
            psi(u, *[p[idx][:, None] for p in params]) - psi_star[idx][:, None] + w
        )
        scale = half * hi
        kron = scale * (f @ _GK_WEIGHTS)
        gauss = scale * (f @ _G_WEIGHTS)
        running = total + np.bincount(idx, kron, minlength=n_prob)
        bad = np.abs(kron - gauss) > _PANEL_TOL * running[idx]
        if rnd == _MAX_ROUNDS - 1 or 2 * np.count_nonzero(bad) > _MAX_INTERVALS:
            bad[:] = False
        if not bad.any():
            total += np.bincount(idx, kron, minlength=n_prob)
            break
        good = ~bad
        total += np.bincount(idx[good], kron[good], minlength=n_prob)
        idx, sign, mid = idx[bad], sign[bad], mid[bad]
        idx, sign = np.concatenate([idx, idx]), np.concatenate([sign, sign])
        w0, w1 = np.concatenate([w0[bad], mid]), np.concatenate([mid, w1[bad]])
    return psi_star + np.log(total)


def _beta_quadrature(a, b, m, s) -> NDArray[np.float64]:
    """Quadrature branch of :func:`log_beta_integral` (1-D, ``0 < s < 1``)."""
    oms = 1.0 - s
    u_star, sigma = _beta_mode(a, b, m, s, oms)
    return _logit_quadrature(_psi_beta, u_star, sigma, (a, b, m, s, oms), (a, b))


def _log_beta_integral(a, b, m, s) -> NDArray[np.float64]:
    """:func:`log_beta_integral` on validated, broadcast arrays.

    Closed form at ``s = 1`` or ``m = 0``; otherwise the finite sum of
    :func:`~llmonkeys._special.log_beta_integral_sum` (a whole ``m``) or
    the quadrature, whichever the cost model (``_SUM_TERMS_PER_*``)
    predicts to be cheaper.
    """
    shape = a.shape
    a, b, m, s = (np.asarray(v, dtype=np.float64).ravel() for v in (a, b, m, s))
    closed = (s == 1.0) | (m == 0.0)
    with np.errstate(all="ignore"):
        if not closed.any():
            return _log_beta_integral_open(a, b, m, s).reshape(shape)
        out = np.empty(a.shape)
        out[closed] = _betaln(a[closed], b[closed] + m[closed])
        rest = ~closed
        if rest.any():
            out[rest] = _log_beta_integral_open(a[rest], b[rest], m[rest], s[rest])
    return out.reshape(shape)


def _summed(terms: NDArray[np.float64], ok: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Where the cost model sums: ``terms`` per window, ``ok`` where it may.

    Windows of up to ``_SUM_TERMS_PER_PROBLEM`` terms are summed; the
    longer ones too if that is cheaper than calling the quadrature for
    them (it has a fixed cost), which needs all of them summable.
    """
    cheap = ok & (terms <= _SUM_TERMS_PER_PROBLEM)
    if cheap.all():
        return cheap
    rest = ~cheap
    budget = _SUM_TERMS_PER_QUADRATURE_CALL + _SUM_TERMS_PER_PROBLEM * rest.sum()
    if not ok[rest].all() or terms[rest].sum() > budget:
        return cheap
    return ok


def _log_beta_integral_open(a, b, m, s) -> NDArray[np.float64]:
    """:func:`_log_beta_integral` for ``0 < s < 1`` (1-D, ``m = 0`` allowed).

    Call under ``np.errstate(all="ignore")``.
    """
    j_lo, j_hi, log_ratio, ok = binomial_sum_window(a, b, m, s)
    ok = _summed(j_hi - j_lo + 1.0, ok)
    if ok.all():
        return log_beta_integral_sum(a, b, m, s, j_lo, j_hi, log_ratio)
    out = np.empty(a.shape)
    if ok.any():
        out[ok] = log_beta_integral_sum(
            a[ok], b[ok], m[ok], s[ok], j_lo[ok], j_hi[ok], log_ratio[ok]
        )
    quad = ~ok
    out[quad] = _beta_quadrature(a[quad], b[quad], m[quad], s[quad])
    return out


def _log_kumaraswamy_integral(a, b, c, m, s) -> NDArray[np.float64]:
    r"""Log of :math:`\int_0^1 y^{c/a}(1-y)^{b-1}(1-s y^{1/a})^m\,dy`.

    Validated, broadcast arrays. ``m = 0`` is :math:`B(1 + c/a, b)`.
    """
    shape = np.broadcast_shapes(*(np.shape(v) for v in (a, b, c, m, s)))
    a, b, c, m, s = (
        np.broadcast_to(np.asarray(v, dtype=np.float64), shape).ravel()
        for v in (a, b, c, m, s)
    )
    a1 = 1.0 + c / a
    out = np.empty(a.shape)
    closed = m == 0.0
    with np.errstate(all="ignore"):
        if closed.any():
            out[closed] = _betaln(a1[closed], b[closed])
        quad = ~closed
        if quad.any():
            params = (a1[quad], b[quad], m[quad], s[quad], 1.0 - s[quad],
                      1.0 / a[quad])
            u_star, sigma = _kumaraswamy_mode(*params)
            rates = (params[0], params[1] + np.where(params[3] == 1.0, params[2], 0.0))
            out[quad] = _logit_quadrature(
                _psi_kumaraswamy, u_star, sigma, params, rates
            )
    return out.reshape(shape)
