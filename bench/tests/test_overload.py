import pytest

from bench.loopclient import Sample
from bench.overload import (
    Window,
    classes,
    classify,
    failures,
    offered_rate,
    p95_ms,
    recovery_seconds,
    recovery_watch,
    summarize,
    unexpected,
    windows,
)


def answered(due: float, latency: float, status: int = 200, retry_after: bool = False) -> Sample:
    return Sample(due=due, sent=due, latency=latency, status=status, retry_after=retry_after, done=True)


def test_it_allows_2xx_429_and_503_only_with_retry_after():
    assert classify(200, False) == "2xx"
    assert classify(204, False) == "2xx"
    assert classify(429, False) == "429"
    assert classify(503, True) == "503 + Retry-After"
    assert classify(503, False) == "other"
    assert classify(500, False) == "other"
    assert classify(500, True) == "other"
    assert classify(302, False) == "other"
    assert classify(404, False) == "other"
    assert classify(None, False) == "no answer"


def test_it_counts_classes_and_names_the_unexpected_statuses():
    samples = [answered(0, 0.1), answered(0, 0.1, 503, True), answered(0, 0.1, 503), answered(0, 0.1, 500),
               Sample(due=0, done=True, failure="connect: TimeoutError")]  # fmt: skip
    assert classes(samples) == {"2xx": 1, "503 + Retry-After": 1, "other": 2, "no answer": 1}
    assert unexpected(samples) == {"503 without Retry-After": 1, "500": 1}
    assert failures(samples) == {"connect: TimeoutError": 1}


def test_it_puts_each_request_in_the_window_it_was_due_in():
    samples = [answered(10 + i * 0.1, 0.010) for i in range(50)]  # 10.0 … 14.9 s
    samples += [answered(15 + i * 0.1, 2.0) for i in range(50)]  # queued: counted against when they were sent
    found = windows(samples, 10.0, 20.0, timeout=10)
    assert [(w.start, w.requests) for w in found] == [(0.0, 50), (5.0, 50)]
    assert found[0].p95_ms == 10.0 and found[1].p95_ms == 2000.0


def test_a_request_without_an_answer_counts_as_the_timeout_and_an_empty_window_has_no_p95():
    samples = [answered(0.1 * i, 0.005) for i in range(19)] + [Sample(due=1.95, done=True)]
    found = windows(samples, 0.0, 10.0, timeout=10)
    assert found[0].p95_ms == pytest.approx(5 + (10_000 - 5) * 0.05, abs=0.1)  # interpolated towards 10 s
    assert found[1] == Window(5.0, 0, None)


def test_recovery_is_the_end_of_the_first_of_three_windows_in_a_row_under_the_bound():
    def after(*p95s):
        return [Window(5.0 * i, 100, p95) for i, p95 in enumerate(p95s)]

    assert recovery_seconds(after(3, 2, 2), bound_ms=4) == 5.0
    assert recovery_seconds(after(900, 300, 3, 2, 3), bound_ms=4) == 15.0
    assert recovery_seconds(after(900, 3, 50, 3, 2, 3, 9), bound_ms=4) == 20.0  # a relapse restarts the count
    assert recovery_seconds(after(900, 3, 50, 3, 3), bound_ms=4) is None  # two windows are not a recovery
    assert recovery_seconds(after(4, 4, 4), bound_ms=4) is None  # "under" is strict
    assert recovery_seconds(after(900, None, 3, 3, 3), bound_ms=4) == 15.0  # a window with no request is not
    assert recovery_seconds([], bound_ms=4) is None


def test_the_offered_rate_is_what_was_written_and_the_lag_how_late():
    on_time = [Sample(due=i / 100, sent=i / 100) for i in range(100)]
    assert offered_rate(on_time, 0.0, 1.0) == (pytest.approx(100.0), 0.0)
    late = [Sample(due=i / 100, sent=i / 50) for i in range(100)]  # the client needed twice as long
    rate, lag = offered_rate(late, 0.0, 1.0)
    assert rate == pytest.approx(100 / 1.98) and lag == pytest.approx(940.5)
    assert offered_rate([Sample(due=0.5)], 0.0, 1.0) == (0.0, 0.0)


def test_the_pre_overload_p95_comes_from_its_phase_only():
    samples = [answered(i / 10, 0.002) for i in range(100)] + [answered(10 + i / 10, 0.7) for i in range(100)]
    assert p95_ms(samples, 0.0, 10.0, timeout=10) == 2.0
    assert p95_ms(samples, 20.0, 30.0, timeout=10) is None


def run_with(p95s_after: list[float], pre_ms: float = 2.0, all_done: bool = True) -> list[Sample]:
    """10 s before at ``pre_ms``, 10 s of overload at 700 ms, then one 5-s window per value."""
    samples = [answered(i / 10, pre_ms / 1000) for i in range(100)]
    samples += [answered(10 + i / 10, 0.7) for i in range(100)]
    for window, p95 in enumerate(p95s_after):
        samples += [answered(20 + 5 * window + i / 10, p95 / 1000) for i in range(50)]
    if not all_done:
        samples[-1].done = False
    return samples


def watch(bound_ms: float = 4.0):
    return recovery_watch(bound_ms, overload_end=20.0, timeout=10)


def test_the_watch_stops_the_run_after_three_recovered_windows():
    assert watch()(run_with([300, 3, 3, 3]), now=40.0)
    assert not watch()(run_with([300, 3, 3]), now=35.0)  # two recovered windows are not enough
    assert not watch()(run_with([300, 3, 3, 30]), now=40.0)  # the last window relapsed
    assert not watch(bound_ms=2.0)(run_with([3, 3, 3]), now=35.0)  # "under" the bound it was given
    assert not watch()(run_with([300, 3, 3, 3], all_done=False), now=40.0)  # a request still in flight


def test_the_watch_ignores_the_window_still_running():
    samples = run_with([3, 3, 3]) + [answered(35.0 + i / 10, 0.5) for i in range(20)]
    assert watch()(samples, now=37.0)


def test_a_summary_reports_classes_rate_windows_and_recovery():
    samples = run_with([300, 3, 3, 3])
    for sample in samples:
        sample.accepted = True
    samples[150].status, samples[150].accepted = 503, False  # during the overload, without Retry-After
    found = summarize(samples, pre_end=10.0, overload_end=20.0, timeout=10)
    assert found.counts == {"2xx": len(samples) - 1, "other": 1}
    assert found.unexpected == {"503 without Retry-After": 1}
    assert found.reference_ms == 2.0 and found.bound_ms == 4.0
    assert [w.p95_ms for w in found.during] == [700.0, 700.0]
    assert [w.p95_ms for w in found.after] == [300.0, 3.0, 3.0, 3.0]
    assert found.recovery_s == 10.0
    assert found.confirmed_during == 99
    assert found.offered == pytest.approx(10.0, rel=0.01)
