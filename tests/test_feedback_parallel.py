"""One set of worker processes per feedback analysis (feedback.parallel.processes)."""

import subprocess
import sys
import textwrap

import numpy as np

from kpi_helpers.feedback import parallel


def test_one_analysis_starts_its_processes_once_and_ends_them(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_TEXTS", 10)
    items = np.arange(40)
    with parallel.processes(2):
        first = parallel.split_map(np.sum, items, 2)
        pool = parallel._shared.pool
        started = list(pool._processes.values())
        second = parallel.split_map(np.max, items, 2)
        assert parallel._shared.pool is pool and list(pool._processes.values()) == started
    assert first == [sum(range(20)), sum(range(20, 40))] and second == [19, 39]
    assert parallel._shared is None and started and not any(p.is_alive() for p in started)


def test_small_work_in_an_analysis_starts_no_process(monkeypatch):
    with parallel.processes(2):
        assert parallel.split_map(np.sum, np.arange(40), 2) == [780]  # fewer than PARALLEL_TEXTS
        assert parallel._shared.pool is None


def test_an_error_in_the_analysis_still_ends_its_processes(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_TEXTS", 10)
    started = []
    try:
        with parallel.processes(2):
            parallel.split_map(np.sum, np.arange(40), 2)
            started = list(parallel._shared.pool._processes.values())
            raise KeyError("boom")
    except KeyError:
        pass
    assert parallel._shared is None and started and not any(p.is_alive() for p in started)


def test_a_script_without_a_main_guard_works_on_one_process(tmp_path):
    script = tmp_path / "no_guard.py"
    script.write_text(
        textwrap.dedent(
            """
            import numpy as np
            from kpi_helpers.feedback import parallel

            parallel.PARALLEL_TEXTS = 10
            with parallel.processes(2):
                a = parallel.split_map(np.sum, np.arange(40), 2)
                b = parallel.split_map(np.max, np.arange(40), 2)
            print([int(x) for x in a], [int(x) for x in b])
            """
        )
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[780] [39]"


def test_the_company_view_matches_many_comments_on_the_runs_processes(monkeypatch, tiny_data):
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.report import feedback_view as view

    asked = []
    real = view.themes
    monkeypatch.setattr(view, "themes", lambda *a, **k: asked.append(k["workers"]) or real(*a, **k))
    ds = load_dataset(tiny_data)
    found = view.feedback_view(ds, "2026-Q2", workers=2).themes
    assert asked == [2] and found.equals(view.feedback_view(ds, "2026-Q2").themes)
