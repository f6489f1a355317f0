"""Two networks: McNemar's test against known values, the paired evaluation, the second
network that reads beside the live one, and `digitpad eval --compare`."""

import json
import math

import numpy as np
import pytest
import torch

from digitpad import cli
from digitpad.compare import (
    CHI_SQUARE_TEST,
    EXACT_BELOW,
    EXACT_TEST,
    SecondNetwork,
    compare_drawn,
    compare_mnist,
    mcnemar,
    paired,
)
from digitpad.data import Digits
from digitpad.drawn import DrawnSet, evaluate_drawn
from digitpad.evaluate import predict
from digitpad.models import fresh_copy
from digitpad.pendata import mnist_strokes
from digitpad.samples import sample
from digitpad.session import Session
from digitpad.strokes import PenStroke
from digitpad.weights import WeightsError, save_weights

# ------------------------------------------------------------------ McNemar's test


@pytest.mark.parametrize(("b", "c", "expected"), [
    # Two-sided exact binomial p = 2 * sum_{k <= min(b, c)} C(b + c, k) / 2^(b + c), at most 1
    # (the same as scipy.stats.binomtest(b, b + c, 0.5).pvalue):
    (3, 10, 2 * (1 + 13 + 78 + 286) / 2**13),  # 0.09228515625
    (2, 14, 2 * (1 + 16 + 120) / 2**16),  # 0.004180908203125
    (0, 6, 2 / 2**6),  # 0.03125
    (5, 5, 1.0),  # the tail sum passes one half: capped at 1
    (1, 0, 1.0),
    (0, 0, 1.0),  # nothing to test
])
def test_the_exact_test_for_few_discordant_pairs(b, c, expected):
    result = mcnemar(b, c)
    assert result.method == EXACT_TEST and result.statistic is None
    assert result.p_value == pytest.approx(expected, rel=1e-12)
    assert mcnemar(c, b).p_value == pytest.approx(expected, rel=1e-12)  # symmetric


@pytest.mark.parametrize(("b", "c", "statistic", "p_value"), [
    # chi2 = (|b - c| - 1)^2 / (b + c); p = chi-square sf on 1 df (scipy.stats.chi2.sf,
    # equal to erfc(sqrt(chi2 / 2))), as statsmodels' mcnemar(exact=False) gives.
    (30, 50, 19**2 / 80, 0.03364802587476163),
    (100, 60, 39**2 / 160, 0.002047732153668759),
    (40, 40, 1 / 80, 0.910979292510634),
    (25, 10, 14**2 / 35, 0.01796047752607879),
])
def test_the_chi_square_test_with_continuity_correction(b, c, statistic, p_value):
    result = mcnemar(b, c)
    assert result.method == CHI_SQUARE_TEST
    assert result.statistic == pytest.approx(statistic, rel=1e-12)
    assert result.p_value == pytest.approx(p_value, rel=1e-9)


def test_the_test_switches_at_the_threshold():
    assert mcnemar(EXACT_BELOW - 1, 0).method == EXACT_TEST
    assert mcnemar(EXACT_BELOW, 0).method == CHI_SQUARE_TEST
    assert mcnemar(24, 0).p_value == pytest.approx(2 / 2**24)
    assert mcnemar(3, 17).more_than_chance and not mcnemar(8, 12).more_than_chance
    with pytest.raises(ValueError):
        mcnemar(-1, 3)


def test_paired_counts_and_disagreements():
    labels = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    first = np.array([0, 1, 2, 9, 4, 5, 0, -1])
    second = np.array([0, 7, 2, 3, 4, 8, 1, 7])
    pairs = paired(labels, first, second)
    assert (pairs.b, pairs.c) == (2, 2)  # digits 1 and 5; digits 3 and 7 (-1: no digit found)
    assert pairs.first_accuracy == 5 / 8 and pairs.second_accuracy == 5 / 8
    # Every digit read differently, those one network reads right before those both miss.
    assert list(pairs.disagreements) == [1, 3, 5, 7, 6]
    assert pairs.as_dict()["disagreements"] == 5
    assert pairs.as_dict()["mcnemar"]["p_value"] == 1.0
    with pytest.raises(ValueError):
        paired(labels, first, second[:-1])


# ------------------------------------------------------------------ paired evaluations


def biased_copy(model, digit: int = 7, by: float = 200.0):
    """A copy whose fc bias strongly favours ``digit``: it reads many digits as ``digit``."""
    copy = fresh_copy(model)
    with torch.no_grad():
        copy.fc.bias[digit] += by
    return copy


def test_the_mnist_comparison_pairs_both_networks_readings(simple_model, mnist_test):
    digits = Digits(mnist_test.images[:600], mnist_test.labels[:600])
    biased = biased_copy(simple_model, by=60.0)  # many digits, not all
    comparison = compare_mnist(simple_model, biased, digits)
    pairs = comparison.pairs
    # The pairs are the networks' own readings, checked against the models themselves.
    images = torch.from_numpy(digits.images.copy())
    assert np.array_equal(pairs.first, predict(simple_model, images).numpy())
    assert np.array_equal(pairs.second, predict(biased, images).numpy())
    assert pairs.first_accuracy == pytest.approx(comparison.first.accuracy)
    assert pairs.second_accuracy == pytest.approx(comparison.second.accuracy)
    # The difference in accuracy is exactly (b - c) / N.
    assert pairs.first_accuracy - pairs.second_accuracy == pytest.approx((pairs.b - pairs.c) / 600)
    assert pairs.b > 0 and (pairs.second[pairs.disagreements] == 7).mean() > 0.9
    assert pairs.test.more_than_chance and pairs.test.p_value < 1e-3


def test_the_drawn_comparison_draws_once_and_reads_twice(simple_model, mnist_test):
    strokes = mnist_strokes(mnist_test.images[:150], mnist_test.labels[:150])
    sets = [DrawnSet("mnist-strokes", strokes)]
    biased = biased_copy(simple_model, by=12.0)
    comparison = compare_drawn(simple_model, biased, sets)
    assert comparison.first.accuracy == evaluate_drawn(simple_model, sets).accuracy
    assert comparison.second.accuracy == evaluate_drawn(biased, sets).accuracy
    assert comparison.pairs.count == 150
    assert np.array_equal(comparison.pairs.labels, strokes.labels)
    same = compare_drawn(simple_model, fresh_copy(simple_model), sets).pairs
    assert same.b == same.c == 0 and len(same.disagreements) == 0 and same.test.p_value == 1.0


# ------------------------------------------------------------------ the second network


def sample_strokes(digit: int) -> list[PenStroke]:
    return [PenStroke.of(np.asarray(points) * 280, width=18) for points in sample(digit, 0).strokes]


def hook_count(model) -> int:
    return sum(len(m._forward_hooks) for m in model.modules())


def test_a_second_network_reads_the_live_input_and_leaves_no_hooks(simple_weights, simple_model):
    session = Session.load(simple_weights)
    biased = biased_copy(simple_model)
    second = SecondNetwork(biased, "biased")
    session.compare_with(second)
    assert hook_count(biased) == 0  # it captures nothing until a view asks
    live = session.classify(sample_strokes(3), surface=280)
    reading = session.read_second(live)
    assert reading.steps is live.steps  # one rasterised input serves both
    assert live.digit == 3 and reading.digit == 7
    second.classifier.watch(["pool"])  # a view asks for a map
    assert hook_count(biased) > 0
    session.stop_comparing()
    assert session.second is None and hook_count(biased) == 0
    assert session.read_second(live) is None


def test_the_comparison_survives_a_new_live_model(simple_weights, simple_model):
    session = Session.load(simple_weights)
    second = SecondNetwork(fresh_copy(simple_model), "copy")
    session.compare_with(second)
    session.install(biased_copy(simple_model), None, {}, origin="edited")
    assert session.second is second
    live = session.classify(sample_strokes(3), surface=280)
    assert live.digit == 7 and session.read_second(live).digit == 3


def test_a_bad_weights_file_is_refused_whole(tmp_path, simple_model):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not weights")
    with pytest.raises(WeightsError, match="bad.pt"):
        SecondNetwork.from_file(bad)
    state = simple_model.state_dict()
    state["fc.weight"] = state["fc.weight"][:5]  # the right keys, a wrong shape
    torch.save(state, tmp_path / "short.pt")
    with pytest.raises(WeightsError):
        SecondNetwork.from_file(tmp_path / "short.pt")
    good = SecondNetwork.from_file(save_weights(tmp_path / "good.pt", simple_model))
    assert good.name == "good.pt (SimpleCNN)" and good.arch == "SimpleCNN"


# ------------------------------------------------------------------ the command line


def test_cli_eval_compare(simple_model, mnist_dir, tmp_path, capsys):
    first = save_weights(tmp_path / "first.pt", simple_model)
    second = save_weights(tmp_path / "second.pt", biased_copy(simple_model, by=60.0))
    assert cli.main(["eval", "--weights", str(first), "--compare", str(second),
                     "--data", str(mnist_dir), "--device", "cpu", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    paired_report = report["paired"]
    first_confusion = np.array(report["first"]["confusion"])
    second_confusion = np.array(report["second"]["confusion"])
    assert paired_report["count"] == 10_000
    assert paired_report["first_accuracy"] == pytest.approx(np.trace(first_confusion) / 10_000)
    assert paired_report["second_accuracy"] == pytest.approx(np.trace(second_confusion) / 10_000)
    test = paired_report["mcnemar"]
    assert paired_report["first_accuracy"] - paired_report["second_accuracy"] == pytest.approx(
        (test["b"] - test["c"]) / 10_000)
    expected = mcnemar(test["b"], test["c"])
    assert test["p_value"] == expected.p_value and test["test"] == expected.method
    assert test["test"] == CHI_SQUARE_TEST and test["more_than_chance"]

    assert cli.main(["eval", "--weights", str(first), "--compare", str(second),
                     "--data", str(mnist_dir), "--device", "cpu"]) == 0
    text = capsys.readouterr().out
    assert f"b (first right, second wrong): {test['b']}" in text
    assert f"c (first wrong, second right): {test['c']}" in text
    assert "chi-square with continuity correction" in text and "more than chance" in text
    assert f"{100 * paired_report['second_accuracy']:6.2f} %" in text
    assert not math.isnan(test["p_value"])


def test_cli_eval_compare_refuses_a_bad_file(simple_weights, mnist_dir, tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"junk")
    with pytest.raises(SystemExit, match="cannot load the weights to compare with: bad.pt"):
        cli.main(["eval", "--weights", str(simple_weights), "--compare", str(bad),
                  "--data", str(mnist_dir)])
