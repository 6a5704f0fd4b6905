"""Progress of a build: one line per output in logs, a bar on a terminal, a summary."""

from __future__ import annotations

import io
import re
import shutil
import time
from types import SimpleNamespace

import pytest
from helpers import EPOCH, ROOT

from pipeline import cli
from pipeline.progress import Progress, format_duration


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def summary(built: int, reused: int, failed: int, seconds: float) -> SimpleNamespace:
    return SimpleNamespace(built=built, reused=reused, failed=["x"] * failed, seconds=seconds)


def test_not_a_terminal_one_line_per_output_then_a_summary():
    stream = io.StringIO()
    progress = Progress(stream=stream, tty=False)
    progress.start(4)
    progress.advance("a.clinician.pdf", "reused")
    progress.rendering(3)
    progress.advance("b.patient.pdf", "built")
    progress.advance("b.patient.epub", "built")
    progress.advance("c.clinician.pdf", "failed")
    progress.finish(summary(2, 1, 1, 3.25))
    assert stream.getvalue().splitlines() == [
        "[1/4] reused a.clinician.pdf",
        "[2/4] built b.patient.pdf",
        "[3/4] built b.patient.epub",
        "[4/4] failed c.clinician.pdf",
        "built 2, reused 1 from cache, failed 1, in 3.2s",
    ]
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_a_log_of_many_outputs_has_a_line_each_twentieth_after_a_pause_and_per_failure():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream=stream, tty=False, clock=clock)
    progress.start(1000)
    progress.rendering(200)
    for i in range(1000):
        clock.now += 0.5 if i == 500 else 0.01
        if i == 700:
            clock.now += 12  # a long render: the log says where the build is
        status = "failed" if i == 333 else "built" if i % 5 == 0 else "reused"
        progress.advance(f"h{i:03d}.clinician.pdf", status)
    progress.finish(summary(200, 799, 1, 24.0))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 + 20 + 1 + 1 + 1
    assert lines[0] == "[1/1000] built h000.clinician.pdf (1 built, 0 reused, 0 failed, ETA 2s)"
    assert lines[1] == ("[50/1000] reused h049.clinician.pdf (10 built, 40 reused, 0 failed, "
                        "ETA 10s)")
    assert lines[7] == ("[334/1000] failed h333.clinician.pdf (67 built, 266 reused, 1 failed, "
                        "ETA 6s)")
    assert lines[16] == ("[701/1000] built h700.clinician.pdf (141 built, 559 reused, 1 failed, "
                         "ETA 8s)")
    assert lines[-2] == "[1000/1000] reused h999.clinician.pdf (200 built, 799 reused, 1 failed)"
    assert lines[-1] == "built 200, reused 799 from cache, failed 1, in 24.0s"


def test_terminal_bar_with_counts_and_eta_from_the_rendering_pace():
    clock, stream = Clock(), io.StringIO()
    progress = Progress(stream=stream, tty=True, clock=clock, width=200)
    progress.start(12)
    for i in range(2):
        progress.advance(f"cached-{i}.clinician.pdf", "reused")
    progress.rendering(10)
    assert progress.eta() is None  # no pace yet
    clock.now += 4.0
    progress.advance("slow.clinician.pdf", "built")
    clock.now += 4.0
    progress.advance("slow.clinician.epub", "built")
    # 2 rendered in 8 s, 8 to go: 32 s, whatever the cached outputs took
    assert progress.eta() == pytest.approx(32.0)
    last = stream.getvalue().split("\r")[-1]
    assert re.search(r"\[#+-+\] 4/12 \(2 built, 2 reused, 0 failed\)  ETA 32s  "
                     r"slow\.clinician\.epub", last)
    progress.finish(summary(2, 2, 0, 8.0))
    assert stream.getvalue().endswith("\r\x1b[Kbuilt 2, reused 2 from cache, failed 0, in 8.0s\n")


def test_terminal_redraws_at_most_ten_times_a_second():
    clock, stream = Clock(), io.StringIO()
    progress = Progress(stream=stream, tty=True, clock=clock, width=120)
    progress.start(100)
    progress.rendering(100)
    for _ in range(50):
        clock.now += 0.01
        progress.advance("x.clinician.pdf", "built")
    assert stream.getvalue().count("\r") <= 6


def test_silent_without_a_stream():
    progress = Progress(stream=None)
    progress.start(1)
    progress.advance("a.clinician.pdf", "built")
    progress.finish(summary(1, 0, 0, 1.0))
    assert progress.counts["built"] == 1


@pytest.mark.parametrize(("seconds", "text"), [(0, "0s"), (42.4, "42s"), (185, "3m05s"),
                                               (3720, "1h02m")])
def test_durations(seconds, text):
    assert format_duration(seconds) == text


def test_the_command_line_in_a_log_prints_each_output(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "manuscripts"
    source.mkdir()
    shutil.copy(ROOT / "manuscripts" / "prp-spine-pain.md", source)
    shutil.copy(ROOT / "bibliography" / "regenerative-medicine.bib", source)

    def build() -> list[str]:
        out, err = io.StringIO(), io.StringIO()
        status = cli.main(["build", str(source), "--out", str(tmp_path / "dist"),
                           "--format", "epub", "--jobs", "1"], out, err)
        assert status == 0, err.getvalue()
        return [line for line in err.getvalue().splitlines()
                if line.startswith(("[", "built "))]

    lines = build()
    assert lines[:2] == ["[1/2] built prp-spine-pain.clinician.epub",
                         "[2/2] built prp-spine-pain.patient.epub"]
    assert re.fullmatch(r"built 2, reused 0 from cache, failed 0, in \d+\.\ds", lines[-1])
    lines = build()
    assert lines[:2] == ["[1/2] reused prp-spine-pain.clinician.epub",
                         "[2/2] reused prp-spine-pain.patient.epub"]
    assert re.fullmatch(r"built 0, reused 2 from cache, failed 0, in \d+\.\ds", lines[-1])



def test_a_log_is_told_the_build_goes_on_while_a_long_render_says_nothing(tmp_path,
                                                                           monkeypatch):
    """One handout of thousands of citations renders for minutes: a CI log is not left silent."""
    import pipeline.progress

    monkeypatch.setattr(pipeline.progress, "HEARTBEAT", 0.02)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "m.md").write_text("---\ntitle: Long\nversion: 1.0.0\nstatus: draft\n"
                                   "last_updated: 2025-01-02\n---\n\nText.\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["build", str(tmp_path / "m.md"), "--out", str(tmp_path / "dist"),
                     "--format", "html", "--jobs", "1"], out, err) == 0, err.getvalue()
    lines = [line for line in err.getvalue().splitlines() if line.startswith("[")]
    assert re.fullmatch(r"\[0/1\] still rendering \(\d+s so far\)", lines[0]), lines
    assert lines[-1] == "[1/1] built m.clinician.html"
    assert all(re.fullmatch(r"\[0/1\] still rendering \(\d+s so far\)", line)
               for line in lines[:-1])


def test_check_in_a_log_names_each_manuscript_and_says_a_long_one_goes_on(tmp_path,
                                                                           monkeypatch):
    """A check of one handout of thousands of citations takes tens of seconds: not silent."""
    import pipeline.progress

    monkeypatch.setattr(pipeline.progress, "HEARTBEAT", 0.02)
    monkeypatch.chdir(tmp_path)
    front = "---\ntitle: T\nversion: 1.0.0\nstatus: {}\nlast_updated: 2025-01-02\n---\n\nText.\n"
    (tmp_path / "refs.bib").write_text("".join(
        f"@article{{k{i}, author={{Doe, Jane}}, title={{Trial {i}}}, year={{2020}}}}\n"
        for i in range(200)), encoding="utf-8")
    (tmp_path / "a.md").write_text(front.format("draft").replace(
        "---\n\n", "bibliography: [refs.bib]\n---\n\n")
        + "".join(f"Rest [@k{i}].\n\n" for i in range(200)), encoding="utf-8")
    (tmp_path / "b.md").write_text(front.format("drafty"), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["check", "a.md", "b.md"], out, err) == 1
    assert out.getvalue() == ""
    lines = err.getvalue().splitlines()
    assert lines[-2].startswith("b.md:4: 'status' must be")
    del lines[-2]
    beats = [line for line in lines if "still" in line]
    assert beats and all(re.fullmatch(r"\[1/2\] still checking \(\d+s so far\)", line)
                         for line in beats), lines
    assert [line for line in lines if line not in beats][:-1] == [
        "[1/2] failed b.md", "[2/2] checked a.md"]
    assert lines[-1].startswith("checked 2 manuscript(s) in ")


def test_a_terminal_bar_names_the_manuscript_under_way_and_counts_its_seconds():
    from pipeline.checking import CHECK_STATUSES

    stream = io.StringIO()
    progress = Progress(stream=stream, tty=True, width=200, statuses=CHECK_STATUSES,
                        doing="checking")
    progress.start(1)
    progress.rendering(1)
    progress.working("manuscripts/big.md")
    assert stream.getvalue() == ("\r[------------------------] 0/1 (0 checked, 0 failed)  "
                                 "ETA --  manuscripts/big.md\x1b[K")
    with progress.heartbeat(every=0.01):
        deadline = time.monotonic() + 5
        while "so far" not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    assert stream.getvalue().endswith("ETA --  manuscripts/big.md (0s so far)\x1b[K")


def test_quiet_prints_only_the_problems(tmp_path, monkeypatch):
    """A CI log of a thousand handouts that reads as its problems and nothing else."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "m.md").write_text("---\ntitle: T\nversion: 1.0.0\nstatus: draft\n"
                                   "last_updated: 2025-01-02\nowner: Ana\n---\n\nText.\n",
                                   encoding="utf-8")
    warning = ("m.md:6: warning: unknown field 'owner': no output shows it; remove it (a note "
               "for the editors goes in an HTML comment)\n")
    for argv in (["check", "m.md", "-q"], ["build", "m.md", "--quiet", "-f", "html", "-j", "1"]):
        out, err = io.StringIO(), io.StringIO()
        assert cli.main(argv, out, err) == 0
        assert (out.getvalue(), err.getvalue()) == ("", warning), argv
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["check", "m.md", "-q", "--strict"], out, err) == 1
    assert (out.getvalue(), err.getvalue()) == ("", warning.replace("warning: ", ""))


def test_every_command_keeps_progress_and_problems_on_stderr_and_results_on_stdout(
        tmp_path, monkeypatch):
    from helpers import KNEE_MANUSCRIPT, knee_project

    bib = "@article{doe-2020, author={Doe, Jane}, title={A trial}, journal={J}, year={2020}}\n"
    knee_project(tmp_path, monkeypatch, KNEE_MANUSCRIPT, bib)
    (tmp_path / "manuscripts" / "bad.md").write_text(
        KNEE_MANUSCRIPT.replace("status: draft", "status: drafty"), encoding="utf-8")
    problem = ("manuscripts/bad.md:4: 'status' must be one of draft, submitted, under-review, "
               "approved, retired; found 'drafty' (did you mean 'draft'?)")

    def said(*argv: str) -> tuple[int, str, list[str]]:
        out, err = io.StringIO(), io.StringIO()
        return cli.main(list(argv), out, err), out.getvalue(), err.getvalue().splitlines()

    status, out, err = said("check")
    assert (status, out) == (1, "")
    assert err[:3] == ["[1/2] failed manuscripts/bad.md", "[2/2] checked manuscripts/knee.md",
                       problem]
    assert re.fullmatch(r"checked 2 manuscript\(s\) in [\d.]+s: 1 error\(s\), 0 warning\(s\)",
                        err[-1])
    status, out, err = said("build", "-f", "html", "-j", "1", "--no-cache")
    assert (status, out) == (1, "")
    assert problem in err and any(line.startswith("built ") for line in err), err
    status, out, err = said("status")
    assert status == 1 and out.startswith("slug ") and "knee" in out
    assert err == [problem]
