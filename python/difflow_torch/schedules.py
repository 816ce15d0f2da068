"""difflow's noise schedules (src/core/schedule) as scalar float64 functions.

A schedule is a dict of pure functions of t in [0, 1] (t = 0 data, t = 1 noise): alpha, sigma, lambda
(= log alpha^2/sigma^2), d_lambda and t_of_lambda (clamped to [0, 1]), each the same formula as the
TypeScript one it mirrors, so the recipe's times, targets and loss weights are difflow's to the last bit
the platform's libm allows. Only what training needs is mirrored (no alpha', sigma').
"""

import math


def sigmoid(x):
    """1 / (1 + e^-x), evaluated on the side where exp cannot overflow (src/core/math.ts)."""
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def softplus(x):
    """log(1 + e^x) without overflow."""
    return x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))


def log_sigmoid(x):
    return -softplus(-x)


def logit(p):
    return math.log(p) - math.log1p(-p)


def _schedule(alpha, sigma, lam, d_lambda, t_of_lambda):
    """The end points and clamping of src/core/schedule/schedule.ts `defineSchedule`."""
    lo, hi = lam(1.0), lam(0.0)

    def clamped(l):
        if l >= hi:
            return 0.0
        if l <= lo:
            return 1.0
        return min(1.0, max(0.0, t_of_lambda(l)))

    return {"alpha": alpha, "sigma": sigma, "lambda": lam, "d_lambda": d_lambda, "t_of_lambda": clamped}


def _safe_log(x):
    return math.log(x) if x > 0 else -math.inf


def flow_matching():
    """alpha = 1 - t, sigma = t (src/core/schedule/flowMatching.ts)."""
    def lam(t):
        return 2 * (math.log1p(-t) - _safe_log(t)) if t < 1 else -math.inf

    def d_lambda(t):
        return -2 / (t * (1 - t)) if 0 < t < 1 else -math.inf
    return _schedule(lambda t: 1 - t, lambda t: t, lam, d_lambda, lambda l: sigmoid(-l / 2))


def fm_vp():
    """Flow matching made variance preserving: alpha, sigma divided by hypot(alpha, sigma); lambda unchanged."""
    fm = flow_matching()
    return dict(fm, alpha=lambda t: (1 - t) / math.hypot(1 - t, t), sigma=lambda t: t / math.hypot(1 - t, t))


def cosine():
    """alpha = cos(pi t/2), sigma = sin(pi t/2), each evaluated from the end where it is small."""
    half = math.pi / 2

    def alpha(t):
        return math.cos(half * t) if t < 0.5 else math.sin(half * (1 - t))

    def sigma(t):
        return math.cos(half * (1 - t)) if t > 0.5 else math.sin(half * t)

    def d_lambda(t):
        a, s = alpha(t), sigma(t)
        return -math.pi / (a * s) if a * s > 0 else -math.inf
    return _schedule(alpha, sigma, lambda t: 2 * (_safe_log(alpha(t)) - _safe_log(sigma(t))), d_lambda,
                     lambda l: math.atan(math.exp(-l / 2)) / half if l >= 0 else 1 - math.atan(math.exp(l / 2)) / half)


def linear_vp(beta0=0.1, beta1=20.0):
    """Linear-beta VP: log alpha^2 = gamma = -(beta0 t + (beta1 - beta0) t^2/2), sigma = sqrt(1 - alpha^2)."""
    delta = beta1 - beta0

    def gamma(t):
        return -(beta0 * t + 0.5 * delta * t * t)

    def lam(t):
        return gamma(t) - _safe_log(-math.expm1(gamma(t)))

    def t_of_lambda(l):
        g = log_sigmoid(l)
        return (-2 * g) / (beta0 + math.sqrt(beta0 * beta0 - 2 * delta * g))
    return _schedule(lambda t: math.exp(0.5 * gamma(t)), lambda t: math.sqrt(-math.expm1(gamma(t))), lam,
                     lambda t: -(beta0 + delta * t) / -math.expm1(gamma(t)) if t > 0 else -math.inf, t_of_lambda)


def _betas(table, steps):
    def lin(lo, hi, i):
        return lo + ((hi - lo) * i) / (steps - 1)

    def abar(s):
        return math.cos(((s + 0.008) / 1.008) * (math.pi / 2)) ** 2
    if table == "linear":
        return [lin(1e-4, 0.02, i) for i in range(steps)]
    if table == "scaled_linear":
        return [lin(math.sqrt(0.00085), math.sqrt(0.012), i) ** 2 for i in range(steps)]
    return [min(1 - abar((i + 1) / steps) / abar(i / steps), 0.999) for i in range(steps)]


def ddpm(table="linear", steps=1000, zero_terminal_snr=False):
    """A discrete DDPM table as a continuous schedule, alpha linear in t between the knots i/T (ddpm.ts)."""
    T = steps
    b = _betas(table, T)
    a = [1.0] * (T + 1)  # alpha at the knots
    q = [0.0] * (T + 1)  # 1 - alpha at the knots
    log_abar = 0.0
    for i in range(1, T + 1):
        log_abar += math.log1p(-b[i - 1])
        a[i] = math.exp(0.5 * log_abar)
        q[i] = -math.expm1(log_abar) / (1 + a[i])
    if zero_terminal_snr:
        a1, aT = a[1], a[T]
        for i in range(1, T + 1):
            a[i] = ((a[i] - aT) * a1) / (a1 - aT)
            q[i] = 1 - a[i]
        q[1] = -math.expm1(math.log1p(-b[0])) / (1 + a[1])
        a[T], q[T] = 0.0, 1.0

    def seg(t):
        return min(T - 1, math.floor(t * T))

    def lerp(k, t):
        i = seg(t)
        return k[i] + (k[i + 1] - k[i]) * (t * T - i)

    def sigma2(t):
        m = lerp(q, t)
        return m * (2 - m)

    def d_lambda(t):
        i = seg(t)
        return (2 * (a[i + 1] - a[i]) * T) / (lerp(a, t) * sigma2(t))

    def invert(k, y, direction):
        lo, hi = 0, T
        while hi - lo > 1:
            mid = (lo + hi) >> 1
            if (k[mid] - y) * direction <= 0:
                lo = mid
            else:
                hi = mid
        frac = (y - k[lo]) / (k[lo + 1] - k[lo])
        return (lo + min(1, max(0, frac))) / T

    def t_of_lambda(l):
        if l > 0:
            s2 = sigmoid(-l)
            return invert(q, s2 / (1 + math.sqrt(1 - s2)), 1)
        return invert(a, math.sqrt(sigmoid(l)), -1)
    return _schedule(lambda t: lerp(a, t), lambda t: math.sqrt(sigma2(t)),
                     lambda t: 2 * _safe_log(lerp(a, t)) - _safe_log(sigma2(t)), d_lambda, t_of_lambda)


def edm(sigma_max=80.0):
    """alpha = 1, sigma = sigma_max t (ve.ts `edm`)."""
    return _schedule(lambda t: 1.0, lambda t: sigma_max * t, lambda t: -2 * _safe_log(sigma_max * t),
                     lambda t: -2 / t if t > 0 else -math.inf, lambda l: math.exp(-l / 2) / sigma_max)


def ve(sigma_min=0.01, sigma_max=50.0):
    """alpha = 1, sigma = sigma_min (sigma_max/sigma_min)^t (ve.ts `ve`)."""
    r = math.log(sigma_max / sigma_min)
    return _schedule(lambda t: 1.0, lambda t: sigma_min * math.exp(r * t), lambda t: -2 * (math.log(sigma_min) + r * t),
                     lambda t: -2 * r, lambda l: (-l / 2 - math.log(sigma_min)) / r)


SCHEDULES = {
    "fm": flow_matching,
    "fm-vp": fm_vp,
    "cosine": cosine,
    "linear-vp": linear_vp,
    "ddpm-linear": lambda: ddpm("linear"),
    "ddpm-scaled-linear": lambda: ddpm("scaled_linear"),
    "ddpm-cosine": lambda: ddpm("squaredcos_cap_v2"),
    "ddpm-linear-ztsnr": lambda: ddpm("linear", zero_terminal_snr=True),
    "edm": edm,
    "ve": ve,
}
