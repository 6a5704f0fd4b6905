"""A manuscript that takes too long to lay out fails alone, at its first line.

WeasyPrint lays out thousands of footnotes in minutes; the build stops such a
render at its time limit, reports it, writes and caches nothing of it, and
builds the others.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from helpers import run_cli as run

HEAD = """---
title: "{title}"
version: 1.0.0
status: draft
last_updated: 2025-09-18
---

"""
NOTES = 3000


def notes_body(count: int) -> str:
    """A body with ``count`` footnotes: minutes of layout for WeasyPrint."""
    return ("".join(f"Sentence {i}.[^n{i}]\n\n" for i in range(count))
            + "".join(f"[^n{i}]: Note {i}.\n\n" for i in range(count)))


def overran(seconds: int) -> str:
    return (f"manuscripts/notes.md:1: the handout took longer than {seconds} s to lay out "
            f"({NOTES:,} footnotes): split it into smaller handouts, or allow more time with "
            f"--time-limit SECONDS or $HANDOUT_TIME_LIMIT; nothing of it was written")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HANDOUT_TIME_LIMIT", raising=False)
    (tmp_path / "manuscripts").mkdir()
    (tmp_path / "manuscripts" / "notes.md").write_text(
        HEAD.format(title="Many notes") + notes_body(NOTES), encoding="utf-8")
    return tmp_path


def cached_entries(work: Path) -> int:
    with sqlite3.connect(work / "cache" / "index.sqlite") as db:
        return db.execute("select count(*) from entries").fetchone()[0]


@pytest.mark.parametrize("jobs", ["1", "2"])  # in this process; beside a PDF worker
def test_a_manuscript_past_its_time_limit_fails_at_its_first_line(work, jobs):
    status, _out, err = run("build", "--format", "pdf", "--jobs", jobs, "--time-limit", "3")
    assert status == 1
    assert err.splitlines()[-1] == overran(3)
    assert "Traceback" not in err
    assert sorted(p.name for p in (work / "dist").iterdir()) == ["manifest.json"]
    manifest = json.loads((work / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["artifacts"] == []
    assert [e["line"] for e in manifest["errors"]] == [1]
    assert cached_entries(work) == 0  # the next build tries again


@pytest.mark.slow
def test_the_workers_stop_an_overrun_and_build_the_others(work, monkeypatch):
    (work / "manuscripts" / "short.md").write_text(HEAD.format(title="Short") + "Rest.\n",
                                                   encoding="utf-8")
    (work / "manuscripts" / "brief.md").write_text(HEAD.format(title="Brief") + "Ice.\n",
                                                   encoding="utf-8")
    monkeypatch.setenv("HANDOUT_TIME_LIMIT", "20")  # the environment's, as CI sets it
    status, _out, err = run("build", "--format", "pdf", "--jobs", "2")
    assert status == 1
    assert [line for line in err.splitlines() if "took longer" in line] == [overran(20)]
    assert sorted(p.name for p in (work / "dist").glob("*.pdf")) == [
        "brief.clinician.pdf", "short.clinician.pdf"]
    assert (work / "dist" / "short.clinician.pdf").read_bytes().endswith(b"%%EOF\n")


@pytest.mark.parametrize(("argv", "env", "message"), [
    (["build", "--time-limit", "soon"], None,
     "error: --time-limit: expected a number of seconds (0 for no limit), found 'soon'"),
    (["release", "--time-limit", "-5"], None,
     "error: --time-limit: expected a number of seconds (0 for no limit), found '-5'"),
    (["build", "--time-limit", "-5s"], None,  # a dash that argparse would take for an option
     "error: --time-limit: expected a number of seconds (0 for no limit), found '-5s'"),
    (["preview", "--port", "0", "--time-limit", "inf"], None,
     "error: --time-limit: expected a number of seconds (0 for no limit), found 'inf'"),
    (["build"], "2 minutes",
     ("error: HANDOUT_TIME_LIMIT: expected a number of seconds (0 for no limit), "
     "found '2 minutes'")),
    (["preview", "--port", "0"], "nan",
     "error: HANDOUT_TIME_LIMIT: expected a number of seconds (0 for no limit), found 'nan'"),
])
def test_a_time_limit_that_is_not_seconds_is_a_usage_error(work, monkeypatch, argv, env,
                                                            message):
    if env is not None:
        monkeypatch.setenv("HANDOUT_TIME_LIMIT", env)
    status, _out, err = run(*argv)
    assert (status, err) == (2, message + "\n")
    assert not (work / "dist").exists()


def test_check_warns_of_footnotes_that_take_minutes_to_lay_out(work):
    notes = work / "manuscripts" / "notes.md"
    status, _out, err = run("check", "-q")
    assert status == 0
    first = 7 + 2 * NOTES + 1  # front matter, the sentences, then the first note
    assert err == (f"manuscripts/notes.md:{first}: warning: {NOTES:,} footnotes take minutes "
                   "to lay out in the PDF (the time grows faster than their number: 800 take "
                   "about 20 s); a build stops a render after its time limit (300 s unless "
                   "--time-limit says otherwise): move some into the text, or split the "
                   "handout\n")
    notes.write_text(HEAD.format(title="Fewer notes") + notes_body(1499), encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (0, "")


def test_a_render_in_another_thread_is_stopped_there_and_a_quick_one_is_not():
    import threading
    import time

    from pipeline.timelimit import TookTooLong, time_limit

    seen: list[object] = []

    def endless() -> None:
        try:
            with time_limit(0.5):
                while True:
                    sum(range(100))
        except TookTooLong as exc:
            seen.append(exc.seconds)

    def quick() -> None:
        with time_limit(0.3):
            pass
        time.sleep(0.8)  # past the limit, outside the block: nothing is raised
        seen.append("quick")

    for target in (endless, quick):
        thread = threading.Thread(target=target)
        thread.start()
        thread.join(30)
    assert seen == [0.5, "quick"]
