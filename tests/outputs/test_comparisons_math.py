"""The statistics of comparisons against worked examples computed by hand (in the comments), and
the two published comparisons of the reference data reproduced."""

import math

import pytest

from outputs import comparisons_math as cm
from outputs.demo import K10, K30

R = cm.Result


def test_weighted_mean_of_two_results():
    # w = 1/u² = 100, 25; x_w = (100·10.0 + 25·10.4)/125 = 10.08; u = 125^-½ = 0.0894427.
    reference = cm.reference_value([R(10.0, 0.1), R(10.4, 0.2)], cm.Method.WEIGHTED_MEAN)
    assert reference.value == pytest.approx(10.08)
    assert reference.u == pytest.approx(0.0894427191)
    assert reference.n == 2


def test_chi_squared_birge_ratio_and_p_value_of_a_consistent_pair():
    # χ² = 0.08²/0.1² + 0.32²/0.2² = 0.64 + 2.56 = 3.2, nu = 1; R_B = √3.2 = 1.78885;
    # p = P(χ²₁ > 3.2) = 2·(1 - Φ(1.78885)) = 0.07364.
    results = [R(10.0, 0.1), R(10.4, 0.2)]
    check = cm.consistency(results, cm.reference_value(results, "weighted_mean"))
    assert check.chi2 == pytest.approx(3.2)
    assert check.dof == 1
    assert check.birge_ratio == pytest.approx(1.78885, abs=1e-5)
    assert check.p_value == pytest.approx(0.07364, abs=1e-5)
    assert check.consistent


def test_an_inconsistent_set_is_flagged():
    # x_w = (1000 + 265)/125 = 10.12; χ² = 0.12²/0.01 + 0.48²/0.04 = 1.44 + 5.76 = 7.2;
    # p = 2·(1 - Φ(2.68328)) = 0.00729 < 0.05.
    results = [R(10.0, 0.1), R(10.6, 0.2)]
    check = cm.consistency(results, cm.reference_value(results, "weighted_mean"))
    assert check.chi2 == pytest.approx(7.2)
    assert check.p_value == pytest.approx(0.00729, abs=1e-5)
    assert not check.consistent


def test_degrees_of_equivalence_with_a_weighted_mean_are_correlated_for_included_results():
    # u_ref² = 1/125 = 0.008. Included: u²(d) = u² - u_ref²; excluded: u² + u_ref².
    results = [R(10.0, 0.1), R(10.4, 0.2), R(11.0, 0.3, included=False)]
    evaluation = cm.evaluate(results, "weighted_mean")
    first, second, excluded = evaluation.equivalences
    assert first.d == pytest.approx(-0.08)
    assert first.u == pytest.approx(math.sqrt(0.01 - 0.008))
    assert pytest.approx(2 * 0.0447214, abs=1e-6) == first.U
    assert pytest.approx(2 * math.sqrt(0.04 - 0.008)) == second.U
    assert first.correlated
    assert not excluded.correlated
    assert excluded.d == pytest.approx(0.92)
    assert excluded.u == pytest.approx(math.sqrt(0.09 + 0.008))


def test_arithmetic_mean_and_its_degrees_of_equivalence():
    # x̄ = 3; s² = (4 + 1 + 0 + 9)/3 = 14/3; u = s/√4 = 1.080123.
    # Included x = 6: u²(d) = 0.25 + 14/12 - 2·0.25/4 = 1.291667. Excluded x = 10, u = 1:
    # u²(d) = 1 + 14/12 = 2.166667.
    results = [R(1, 0.5), R(2, 0.5), R(3, 0.5), R(6, 0.5), R(10, 1.0, included=False)]
    evaluation = cm.evaluate(results, "arithmetic_mean", k=2)
    assert evaluation.reference.value == pytest.approx(3)
    assert evaluation.reference.u == pytest.approx(1.080123, abs=1e-6)
    assert evaluation.equivalences[3].u == pytest.approx(math.sqrt(1.291667), abs=1e-6)
    assert evaluation.equivalences[4].u == pytest.approx(math.sqrt(2.166667), abs=1e-6)
    assert pytest.approx(2 * math.sqrt(2.166667), abs=1e-6) == evaluation.equivalences[4].U


def test_median_with_its_made_uncertainty():
    # med = 3; |x - 3| = 2, 1, 0, 1, 97 → MAD = 1; MADe = 1.4826;
    # u = 1.2533·1.4826/√5 = 1.8581426/2.2360680 = 0.830987.
    results = [R(x, 0.1) for x in (1, 2, 3, 4, 100)]
    reference = cm.reference_value(results, "median")
    assert reference.value == 3
    assert reference.u == pytest.approx(0.830987, abs=1e-6)
    # The median's correlation with one result is neglected: u²(d) = u² + u_ref².
    eq = cm.equivalence(results[4], reference)
    assert eq.u == pytest.approx(math.sqrt(0.01 + 0.830987**2), abs=1e-6)


def test_a_fixed_reference_is_the_stored_value_and_no_consistency_is_claimed():
    # d = 5.3 - 5.0 = 0.3; u(d) = √(0.2² + 0.1²) = 0.223607; U = 0.447214.
    results = [R(5.3, 0.2, included=False)]
    evaluation = cm.evaluate(results, "fixed", fixed_value=5.0, fixed_u=0.1)
    assert (evaluation.reference.value, evaluation.reference.u) == (5.0, 0.1)
    assert evaluation.consistency is None
    (eq,) = evaluation.equivalences
    assert eq.d == pytest.approx(0.3)
    assert pytest.approx(0.447214, abs=1e-6) == eq.U
    assert not eq.correlated


@pytest.mark.parametrize("method", ["weighted_mean", "arithmetic_mean", "median"])
def test_fewer_than_two_included_results_are_refused(method):
    with pytest.raises(ValueError, match="at least two included"):
        cm.reference_value([R(1.0, 0.1), R(2.0, 0.1, included=False)], method)


@pytest.mark.parametrize("u", [0, -0.1, None, "abc", float("nan")])
def test_missing_zero_negative_or_unreadable_uncertainties_are_refused(u):
    with pytest.raises(ValueError, match="uncertainty"):
        cm.reference_value([R(1.0, 0.1), R(2.0, u)], "weighted_mean")


@pytest.mark.parametrize("value", ["2,5 mg", None, float("inf")])
def test_values_that_are_not_finite_numbers_are_refused(value):
    with pytest.raises(ValueError, match="value"):
        cm.reference_value([R(1.0, 0.1), R(value, 0.1)], "arithmetic_mean")


def test_a_fixed_reference_needs_its_value_and_uncertainty():
    with pytest.raises(ValueError, match="needs its value and uncertainty"):
        cm.reference_value([R(1.0, 0.1)], "fixed", fixed_value=1.0)
    with pytest.raises(ValueError, match="cannot be negative"):
        cm.reference_value([R(1.0, 0.1)], "fixed", fixed_value=1.0, fixed_u=-1)


def _k30():
    return [R(value, expanded / k, included) for _lab, value, expanded, k, _m, included in K30]


def test_ccqm_k30_kcrv_is_the_arithmetic_mean_of_the_nine_included_results():
    # README 2b: the published KCRV is 2.99 mg/kg; the weighted mean of the same nine results
    # is 2.9396 (u = 0.0083) and their median 2.98.
    results = _k30()
    assert sum(r.included for r in results) == 9
    assert cm.reference_value(results, "arithmetic_mean").value == pytest.approx(2.99, abs=1e-12)
    weighted = cm.reference_value(results, "weighted_mean")
    assert weighted.value == pytest.approx(2.9396, abs=5e-5)
    assert weighted.u == pytest.approx(0.0083, abs=5e-5)
    assert cm.reference_value(results, "median").value == pytest.approx(2.98)


def test_ccqm_k30_uncertainty_of_the_mean_is_s_over_root_n():
    # Deviations from 2.99: -0.097, -0.054, -0.05, -0.03, -0.01, 0.01, 0.011, 0.08, 0.14;
    # Σ² = 0.042046; s = √(0.042046/8) = 0.072497; u = s/3 = 0.024166. (The published
    # U = 0.06 mg/kg is not derived in the source.)
    reference = cm.reference_value(_k30(), "arithmetic_mean")
    assert reference.u == pytest.approx(0.024166, abs=1e-6)


def test_bipm_em_k10_published_degrees_of_equivalence_come_back_unchanged():
    # D_i with U_i (k = 2) against the BIPM standard entered as 0 nV with u = 0.
    results = [R(d, expanded / 2, included=False) for _row, _lab, d, expanded in K10]
    evaluation = cm.evaluate(results, "fixed", fixed_value=0.0, fixed_u=0.0, k=2)
    assert len(evaluation.equivalences) == 29
    for (_row, _lab, d, expanded), eq in zip(K10, evaluation.equivalences, strict=True):
        assert eq.d == pytest.approx(d, abs=1e-12)
        assert pytest.approx(expanded, abs=1e-12) == eq.U
    # The two rows on the boundary of |D|/U ≤ 1 (README 2a): NMC A*STAR and NPL (row 23).
    ratios = {
        row: abs(eq.d) / eq.U for (row, *_), eq in zip(K10, evaluation.equivalences, strict=True)
    }
    assert ratios[16] == pytest.approx(1.0)
    assert ratios[23] == pytest.approx(1.0)


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 9, 10, 25, 60, 151])
@pytest.mark.parametrize("chi2", [0.0, 1e-6, 0.4, 1.0, 3.7, 12.0, 80.0, 600.0])
def test_chi2_sf_is_scipys_chi_squared_survival_function(dof, chi2):
    from scipy.special import chdtrc

    assert cm.chi2_sf(chi2, dof) == pytest.approx(float(chdtrc(dof, chi2)), rel=1e-11, abs=1e-300)
