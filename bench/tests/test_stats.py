import pytest

from bench.stats import Figure, Target, latency_summary, percentile, ratio


def test_it_interpolates_percentiles_between_closest_ranks():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 50) == 35
    assert percentile(values, 100) == 50
    assert percentile(values, 40) == pytest.approx(29.0)
    assert percentile(values, 95) == pytest.approx(48.0)


def test_it_does_not_depend_on_input_order():
    assert percentile([5, 1, 4, 2, 3], 25) == 2.0


def test_it_refuses_an_empty_sample_and_percentiles_out_of_range():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_it_summarises_latencies_in_milliseconds():
    summary = latency_summary([i / 1000 for i in range(1, 101)])  # 1 … 100 ms
    assert summary == {"p50_ms": 50.5, "p95_ms": 95.0, "p99_ms": 99.0, "max_ms": 100.0}


def test_it_computes_ratios_and_leaves_them_out_when_a_side_is_missing():
    assert ratio(600, 1200) == 0.5
    assert ratio(None, 1200) is None
    assert ratio(600, 0) is None


def test_it_judges_absolute_targets_both_ways():
    assert Target("min", 600, "").holds(600, None) is True
    assert Target("min", 600, "").holds(599.9, None) is False
    assert Target("max", 200, "").holds(150, None) is True
    assert Target("max", 200, "").holds(201, None) is False
    assert Target("max", 200, "").holds(None, None) is None


def test_it_judges_ratio_targets_against_the_limit_of_the_same_run():
    half = Target("min_ratio", 0.5, "")
    assert half.holds(1100, 2000) is True
    assert half.holds(900, 2000) is False
    assert half.holds(900, None) is None
    assert Target("max_ratio", 2.0, "").holds(3.0, 1.0) is False


def test_it_refuses_an_unknown_target_kind():
    with pytest.raises(ValueError):
        Target("about", 1, "")


def test_a_figure_holds_only_when_every_target_holds():
    figure = Figure(
        "x", "x", 1200, "req/s", limit=3000, targets=[Target("min", 1000, ""), Target("min_ratio", 0.5, "")]
    )
    assert figure.verdicts == [True, False]
    assert figure.holds is False
    figure.limit = 2000
    assert figure.holds is True
    assert Figure("y", "y", 1.0, "s").holds is None


def test_a_figure_survives_the_round_trip_through_its_dict():
    figure = Figure("x", "label", 1.5, "s", limit=1.0, targets=[Target("max_ratio", 2, "≤ 2×")], details={"a": 1})
    data = figure.as_dict()
    assert data["ratio"] == 1.5
    assert data["holds"] is True
    again = Figure.from_dict(data)
    assert again.targets[0].text == "≤ 2×"
    assert again.ratio == figure.ratio
