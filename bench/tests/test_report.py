import json

from bench.report import render_markdown, write_markdown, write_result
from bench.stats import Figure, Target


def result():
    held = Figure("a", "bare view", 2000, "req/s", limit=9000, limit_label="pgbench")
    missed = Figure("b", "QR reports", 500, "req/s", limit=2000, targets=[Target("min", 600, "≥ 600/s (issue 3)")])
    return {
        "started_at": "2026-05-01T10:00:00+08:00",
        "finished_at": "2026-05-01T10:04:00+08:00",
        "scale": "small",
        "machine": {"CPU": "Test CPU", "cores": "2"},
        "figures": [held.as_dict(), missed.as_dict()],
        "skipped": [{"key": "g", "label": "obligations refresh", "reason": "not measured: module not present"}],
        "generation": {"pupils": 10000},
        "notes": ["a note | with a pipe"],
    }


def test_it_writes_the_result_file_named_by_its_start_time(tmp_path):
    path = write_result(result(), tmp_path / "results")
    assert path.name == "20260501T100000.json"
    assert json.loads(path.read_text())["figures"][1]["holds"] is False


def test_it_renders_machine_figures_limits_ratios_and_verdicts():
    text = render_markdown(result(), "20260501T100000.json")
    assert "SCALE=small" in text
    assert "- **CPU**: Test CPU" in text
    assert "| bare Django" not in text  # labels are taken as given
    assert "| bare view | 2,000 req/s | 9,000 req/s (pgbench) | 0.22× | no target (informational) |" in text
    assert "| QR reports | 500 req/s | 2,000 req/s | 0.25× | ≥ 600/s (issue 3): ❌ misses |" in text
    assert "- **obligations refresh**: not measured: module not present" in text
    assert "- pupils: 10000" in text
    assert "a note | with a pipe" in text


def test_it_marks_a_figure_that_was_not_measured():
    data = result()
    data["figures"] = [Figure("p", "p99", None, "ms", targets=[Target("max", 200, "< 200 ms")]).as_dict()]
    text = render_markdown(data)
    assert "| p99 | not measured | — | — | < 200 ms: — |" in text


def test_it_regenerates_the_markdown_file(tmp_path):
    path = write_markdown(result(), tmp_path / "docs" / "performance.md", "x.json")
    assert path.read_text().startswith("# Performance")


def test_a_run_rewrites_its_own_scale_and_keeps_the_other(tmp_path):
    path = tmp_path / "performance.md"
    city = {**result(), "scale": "city", "finished_at": "2026-05-02T09:00:00+08:00"}
    write_markdown(city, path, "city.json")
    write_markdown(result(), path, "small-1.json")
    again = {**result(), "finished_at": "2026-05-03T09:00:00+08:00"}
    text = write_markdown(again, path, "small-2.json").read_text()
    assert text.startswith("# Performance")
    assert text.count("## SCALE=city") == 1 and "city.json" in text  # kept
    assert text.count("## SCALE=small") == 1 and "small-2.json" in text and "small-1.json" not in text
    assert text.index("## SCALE=city") < text.index("## SCALE=small")
