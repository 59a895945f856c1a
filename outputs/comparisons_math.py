"""The statistics of an interlaboratory comparison: reference value, consistency, degrees of
equivalence. Pure functions on numpy and scipy, no Django; values in the comparison's unit.

Formulas (the page shows them as written here):

- Weighted mean: x_ref = Σ(x_i/u_i²) / Σ(1/u_i²), u_ref = (Σ 1/u_i²)^(-1/2)
  (M. G. Cox, "The evaluation of key comparison data", Metrologia 39 (2002) 589, procedure A).
- Arithmetic mean: x_ref = Σx_i / n, u_ref = s/√n, s the sample standard deviation (n - 1).
- Median: x_ref = med(x_i), u_ref = 1.2533·MADe/√n with MADe = 1.4826·med|x_i - x_ref|
  (ISO 13528:2015, C.2.2 for MADe; 1.2533 = √(π/2), the efficiency of the median for normal data).
- Fixed or pilot reference: the stored value and standard uncertainty.
- χ²_obs = Σ (x_i - x_ref)²/u_i² over the included results, nu = n - 1, p = P(χ²(nu) > χ²_obs)
  (chi2_sf: the closed form for whole nu, equal to scipy.stats.chi2.sf); the results are
  flagged inconsistent when p < 0.05 (Cox 2002).
  Birge ratio R_B = √(χ²_obs/nu).
- d_i = x_i - x_ref. u(d_i)² = u_i² - u_ref² for a result included in a weighted mean (it is
  correlated with it, Cox 2002); u_i² + u_ref² - 2u_i²/n for one included in an arithmetic mean
  (cov(x_i, x̄) = u_i²/n); u_i² + u_ref² otherwise (excluded results, fixed or pilot reference,
  and the median, whose covariance with one result has no closed form: stated as an
  approximation). U(d_i) = k·u(d_i).
"""

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

#: Consistency is refused below this p-value of the chi-squared test.
ALPHA = 0.05
#: √(π/2): the standard deviation of the median of n normal values is 1.2533·sigma/√n.
MEDIAN_EFFICIENCY = 1.2533
#: MADe = 1.4826·MAD estimates sigma for normal data (ISO 13528).
MAD_TO_SIGMA = 1.4826


class Method(StrEnum):
    WEIGHTED_MEAN = "weighted_mean"
    ARITHMETIC_MEAN = "arithmetic_mean"
    MEDIAN = "median"
    FIXED = "fixed"


STATISTICAL = (Method.WEIGHTED_MEAN, Method.ARITHMETIC_MEAN, Method.MEDIAN)


class TooFewResults(ValueError):
    """A statistical reference value asked of fewer than two included results."""

    def __init__(self, method: "Method", n: int):
        self.method, self.n = method, n
        super().__init__(
            f"A {method.value.replace('_', ' ')} needs at least two included results, not {n}."
        )


@dataclass(frozen=True)
class Result:
    """One laboratory's result: its value, standard uncertainty, and whether it is included."""

    value: float
    u: float
    included: bool = True


@dataclass(frozen=True)
class Reference:
    value: float
    u: float
    method: Method
    n: int


@dataclass(frozen=True)
class Consistency:
    chi2: float
    dof: int
    p_value: float
    birge_ratio: float

    @property
    def consistent(self) -> bool:
        return self.p_value >= ALPHA


@dataclass(frozen=True)
class Equivalence:
    d: float
    u: float
    U: float
    correlated: bool


def _number(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} is not a number: {value!r}") from None
    if not np.isfinite(number):
        raise ValueError(f"{what} is not a finite number: {value!r}")
    return number


def check(results) -> list[Result]:
    """``results`` with numbers checked: finite values, positive uncertainties."""
    checked = []
    for index, result in enumerate(results, start=1):
        value = _number(result.value, f"Result {index}: the value")
        u = _number(result.u, f"Result {index}: the uncertainty")
        if u <= 0:
            raise ValueError(f"Result {index}: the uncertainty must be positive, not {u}.")
        checked.append(Result(value=value, u=u, included=bool(result.included)))
    return checked


def _included(results: list[Result]) -> tuple[np.ndarray, np.ndarray]:
    chosen = [r for r in results if r.included]
    return np.array([r.value for r in chosen]), np.array([r.u for r in chosen])


def reference_value(results, method: Method | str, *, fixed_value=None, fixed_u=None) -> Reference:
    """The reference value and its standard uncertainty by ``method`` from the included
    ``results`` (or the stored ``fixed_value`` and ``fixed_u`` for a fixed or pilot reference)."""
    method = Method(method)
    results = check(results)
    x, u = _included(results)
    if method == Method.FIXED:
        if fixed_value is None or fixed_u is None:
            raise ValueError("A fixed or pilot reference needs its value and uncertainty.")
        value = _number(fixed_value, "The reference value")
        ref_u = _number(fixed_u, "The reference uncertainty")
        if ref_u < 0:
            raise ValueError("The reference uncertainty cannot be negative.")
        return Reference(value=value, u=ref_u, method=method, n=len(x))
    n = len(x)
    if n < 2:
        raise TooFewResults(method, n)
    if method == Method.WEIGHTED_MEAN:
        weights = 1 / u**2
        value = float(np.sum(weights * x) / np.sum(weights))
        ref_u = float(np.sum(weights) ** -0.5)
    elif method == Method.ARITHMETIC_MEAN:
        value = float(np.mean(x))
        ref_u = float(np.std(x, ddof=1) / np.sqrt(n))
    else:
        value = float(np.median(x))
        made = MAD_TO_SIGMA * float(np.median(np.abs(x - value)))
        ref_u = MEDIAN_EFFICIENCY * made / np.sqrt(n)
    return Reference(value=value, u=float(ref_u), method=method, n=n)


def chi2_sf(x: float, dof: int) -> float:
    """P(χ²(dof) > x) for a whole number of degrees of freedom, in closed form (Abramowitz and
    Stegun 26.4.4-5). Not scipy.stats.chi2.sf: scipy.stats and scipy.special cost every web
    worker 76 and 28 MB, for this one function (bench/README.md, worker memory)."""
    if x <= 0:
        return 1.0
    half = x / 2
    if dof % 2 == 0:
        term = total = 1.0
        for i in range(1, dof // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    term = total = math.sqrt(x)
    for r in range(2, (dof - 1) // 2 + 1):
        term *= x / (2 * r - 1)
        total += term
    tail = math.sqrt(2 / math.pi) * math.exp(-half) * total if dof > 1 else 0.0
    return min(1.0, math.erfc(math.sqrt(half)) + tail)


def consistency(results, reference: Reference) -> Consistency | None:
    """The chi-squared test of the included results against a statistical reference value;
    None for a fixed or pilot reference (nothing was estimated from the results)."""
    if reference.method not in STATISTICAL:
        return None
    x, u = _included(check(results))
    dof = len(x) - 1
    chi2 = float(np.sum((x - reference.value) ** 2 / u**2))
    return Consistency(
        chi2=chi2,
        dof=dof,
        p_value=chi2_sf(chi2, dof),
        birge_ratio=float(np.sqrt(chi2 / dof)),
    )


def equivalence(result: Result, reference: Reference, *, k: float = 2.0) -> Equivalence:
    """The degree of equivalence of ``result`` to ``reference`` and its expanded uncertainty."""
    (result,) = check([result])
    k = _number(k, "The coverage factor")
    if k <= 0:
        raise ValueError("The coverage factor must be positive.")
    d = result.value - reference.value
    correlated = result.included and reference.method in (
        Method.WEIGHTED_MEAN,
        Method.ARITHMETIC_MEAN,
    )
    if correlated and reference.method == Method.WEIGHTED_MEAN:
        variance = result.u**2 - reference.u**2
    elif correlated:
        variance = result.u**2 + reference.u**2 - 2 * result.u**2 / reference.n
    else:
        variance = result.u**2 + reference.u**2
    u = float(np.sqrt(max(variance, 0.0)))
    return Equivalence(d=float(d), u=u, U=k * u, correlated=correlated)


@dataclass(frozen=True)
class Evaluation:
    reference: Reference
    consistency: Consistency | None
    equivalences: list[Equivalence]


def evaluate(results, method, *, fixed_value=None, fixed_u=None, k: float = 2.0) -> Evaluation:
    """Reference value, consistency and every result's degree of equivalence, in order."""
    results = check(results)
    reference = reference_value(results, method, fixed_value=fixed_value, fixed_u=fixed_u)
    return Evaluation(
        reference=reference,
        consistency=consistency(results, reference),
        equivalences=[equivalence(result, reference, k=k) for result in results],
    )
