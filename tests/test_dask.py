"""Rendering on a Dask cluster: same bytes as the local pool, and a dead worker is survived.

The cluster is a ``distributed.LocalCluster`` of two worker processes on
127.0.0.1, started once for this module.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import EPOCH, RIVERSIDE_CSL, ROOT, epub_text, pdf_pages

from pipeline import cli
from pipeline.build import BuildOptions, build

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=":0",
                                      silence_logs=50) as local:
            yield local
    finally:
        mp.undo()


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def same_files(a: Path, b: Path) -> None:
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_outputs_are_byte_identical_to_the_local_pool(cluster, built, tmp_path, epoch):
    report = build([ROOT / "manuscripts"], BuildOptions(
        out=tmp_path / "dist", use_cache=False, scheduler=cluster.scheduler_address))
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    assert report.runner == "dask" and report.built == len(list(built.glob("*.*.*")))
    same_files(tmp_path / "dist", built)


def test_a_worker_killed_mid_job_is_replaced_and_the_build_completes(cluster, built, tmp_path,
                                                                      epoch):
    result: dict = {}

    def run() -> None:  # one manuscript, four outputs: four jobs for two workers
        result["report"] = build([ROOT / "manuscripts" / "prp-spine-pain.md"], BuildOptions(
            out=tmp_path / "dist", use_cache=False, scheduler=cluster.scheduler_address))

    with distributed.Client(cluster, set_as_default=False) as client:
        thread = threading.Thread(target=run)
        thread.start()
        victim = None
        deadline = time.monotonic() + 60
        while victim is None and time.monotonic() < deadline and thread.is_alive():
            busy = [w for w, keys in client.processing().items()
                    if any(str(k).startswith("render-") for k in keys)]
            if busy:
                victim = busy[0]
            else:
                time.sleep(0.02)
        assert victim is not None, "no render job was seen running"
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        thread.join(timeout=180)
    assert not thread.is_alive()
    report = result["report"]
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    assert report.built == 6
    for path in (tmp_path / "dist").glob("prp-spine-pain.*"):
        assert path.read_bytes() == (built / path.name).read_bytes(), path.name


def test_a_failing_job_names_its_manuscript_like_a_local_build(cluster, tmp_path, epoch):
    source = tmp_path / "manuscripts"
    source.mkdir()
    (source / "bad.md").write_text(
        "---\ntitle: Bad\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n---\n"
        "Cites nothing known [@no-such-key].\n", encoding="utf-8")
    reports = {}
    for name, scheduler in (("local", None), ("dask", cluster.scheduler_address)):
        reports[name] = build([source], BuildOptions(out=tmp_path / name, use_cache=False,
                                                     formats=("epub",), scheduler=scheduler))
    assert reports["dask"].failed == reports["local"].failed == [str(source / "bad.md")]
    assert [str(p) for p in reports["dask"].problems] == \
        [str(p) for p in reports["local"].problems]
    assert any("no-such-key" in str(p) for p in reports["dask"].problems)


@pytest.mark.slow
def test_a_render_past_its_time_limit_stops_on_a_worker_and_the_others_build(cluster, tmp_path,
                                                                            epoch):
    source = tmp_path / "manuscripts"
    source.mkdir()
    head = "---\ntitle: {}\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n---\n"
    notes = 3000  # minutes of layout: stopped after 20 s, in the worker's thread
    (source / "notes.md").write_text(
        head.format("Notes") + "".join(f"Line {i}.[^n{i}]\n\n" for i in range(notes))
        + "".join(f"[^n{i}]: Note {i}.\n\n" for i in range(notes)), encoding="utf-8")
    (source / "short.md").write_text(head.format("Short") + "Rest.\n", encoding="utf-8")
    started = time.monotonic()
    report = build([source], BuildOptions(out=tmp_path / "dist", use_cache=False,
                                          formats=("pdf",), scheduler=cluster.scheduler_address,
                                          time_limit=20))
    assert time.monotonic() - started < 150
    assert report.failed == [str(source / "notes.md")]
    assert [p.message for p in report.problems if p.code == "time-limit"] == [
        ("the handout took longer than 20 s to lay out (3,000 footnotes): split it into smaller "
        "handouts, or allow more time with --time-limit SECONDS or $HANDOUT_TIME_LIMIT; "
        "nothing of it was written")]
    assert sorted(p.name for p in (tmp_path / "dist").glob("*.pdf")) == ["short.clinician.pdf"]


def test_the_command_line_takes_a_scheduler(cluster, tmp_path, epoch):
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["build", str(ROOT / "manuscripts" / "prp-spine-pain.md"), "--format",
                       "epub", "--out", str(tmp_path), "--no-cache",
                       "--scheduler", cluster.scheduler_address], out, err)
    assert status == 0, err.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.json", "prp-spine-pain.clinician.epub", "prp-spine-pain.patient.epub"]


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["build", str(ROOT / "manuscripts" / "prp-spine-pain.md"), "--out",
                       str(tmp_path), "--no-cache", "--scheduler", "tcp://127.0.0.1:9"], out, err)
    assert status == 2
    assert err.getvalue().startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")


def test_dask_is_imported_only_for_a_scheduler():
    script = ("import sys; sys.modules['distributed'] = None\n"
              "import io, pipeline.build, pipeline.cli\n"
              "assert 'dask' not in sys.modules\n"
              "err = io.StringIO()\n"
              "status = pipeline.cli.main(['build', '--scheduler', 'tcp://127.0.0.1:9'], "
              "io.StringIO(), err)\n"
              "print(status, err.getvalue().strip())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == ("2 error: --scheduler needs Dask: pip install "
                                   "'handout-pipeline[distributed]'")


def test_the_local_pool_also_survives_a_killed_worker(built, tmp_path, epoch):
    """Without Dask: a dead worker breaks the standard pool; its jobs go to a fresh one.

    Two manuscripts: a single one is prepared in the building process (see test_single.py).
    """
    import multiprocessing

    result: dict = {}
    names = ("prp-spine-pain", "regen-pain")

    def run() -> None:
        result["report"] = build([ROOT / "manuscripts" / f"{name}.md" for name in names],
                                 BuildOptions(out=tmp_path / "dist", use_cache=False, jobs=2))

    before = set(multiprocessing.active_children())
    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 60
    victims: list = []
    while not victims and time.monotonic() < deadline:
        victims = [p for p in multiprocessing.active_children() if p not in before]
        time.sleep(0.05)
    assert victims, "no worker was seen"
    time.sleep(0.3)  # let it take a job
    os.kill(victims[0].pid, signal.SIGKILL)
    thread.join(timeout=180)
    report = result["report"]
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    assert (report.runner, report.built) == ("local pool", 9)
    for name in names:
        for path in (tmp_path / "dist").glob(f"{name}.*"):
            assert path.read_bytes() == (built / path.name).read_bytes(), path.name


@pytest.fixture(scope="module")
def worker_with_only_the_package(installed: Path, tmp_path_factory: pytest.TempPathFactory):
    """A scheduler and one worker from the non-editable install, started in an empty folder.

    Started once for the tests that need it: (scheduler address, client).
    """
    folder = tmp_path_factory.mktemp("worker")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=":0",
                                  silence_logs=50) as scheduler:
        worker = subprocess.Popen(
            [str(installed), "-m", "distributed.cli.dask_worker", scheduler.scheduler_address,
             "--nthreads", "1", "--no-dashboard", "--local-directory", str(folder)],
            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with distributed.Client(scheduler, set_as_default=False) as client:
                client.wait_for_workers(1, timeout=60)
                yield scheduler.scheduler_address, client
        finally:
            worker.terminate()
            worker.wait(timeout=30)


def test_a_worker_with_only_the_installed_package_renders_the_same_bytes(
        worker_with_only_the_package, installed, built, tmp_path, epoch):
    """The worker runs from a separate environment (non-editable install), in an empty
    folder: the jobs carry the manuscript, the entries it cites and the styles bundle."""
    address, client = worker_with_only_the_package
    where = client.run(lambda: __import__("pipeline").__file__)
    assert all(Path(f).is_relative_to(installed.parent.parent) for f in where.values()), where
    report = build([ROOT / "manuscripts" / "prp-spine-pain.md"], BuildOptions(
        out=tmp_path / "dist", use_cache=False, scheduler=address))
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    assert not client.who_has()  # every result released once it was here
    outputs = sorted((tmp_path / "dist").glob("prp-spine-pain.*"))
    assert [p.name for p in outputs] == ["prp-spine-pain.clinician.epub",
                                         "prp-spine-pain.clinician.html",
                                         "prp-spine-pain.clinician.pdf",
                                         "prp-spine-pain.patient.epub",
                                         "prp-spine-pain.patient.html",
                                         "prp-spine-pain.patient.pdf"]
    for path in outputs:
        assert path.read_bytes() == (built / path.name).read_bytes(), path.name


def test_a_projects_styles_reach_a_worker_that_has_only_the_package(
        worker_with_only_the_package, tmp_path, epoch, monkeypatch):
    """A project's styles/ (a disclaimer, its kinds map, a CSL style of its own) travels in
    the styles bundle: the worker renders what the local build renders, byte for byte."""
    project = tmp_path / "project"
    files = {
        "manuscripts/ankle.md": "---\ntitle: Ice for a sprained ankle\nversion: 1.0.0\n"
                                "status: draft\nlast_updated: 2025-09-18\ncsl: riverside\n"
                                "bibliography: [ankle.bib]\n---\n## Summary\n\n"
                                "Ice eases swelling [@cold-2019].\n",
        "bibliography/ankle.bib": "@article{cold-2019,\n  title = {Cold therapy after ankle "
                                  "sprain},\n  author = {Vance, Ada},\n  journal = {Sports "
                                  "Medicine},\n  year = {2019},\n  keywords = {Practice "
                                  "Guideline}\n}\n",
        "styles/kinds.yaml": "keywords:\n  Practice Guideline: Clinic Rule\n",
        "styles/csl/riverside.csl": RIVERSIDE_CSL,
        "styles/disclaimers/professional.en.md": "# Riverside Clinic Disclaimer\n\n"
                                                 "Ask the physiotherapy desk first.\n",
    }
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    options = BuildOptions(use_cache=False, formats=("pdf", "epub"), jobs=1)
    local = build([project / "manuscripts"], replace(options, out=tmp_path / "local"))
    assert local.ok, [str(p) for p in local.problems]
    address, _client = worker_with_only_the_package
    remote = build([project / "manuscripts"],
                   replace(options, out=tmp_path / "remote", scheduler=address))
    assert remote.ok and remote.runner == "dask", [str(p) for p in remote.problems]
    same_files(tmp_path / "remote", tmp_path / "local")
    text = epub_text(tmp_path / "remote" / "ankle.clinician.epub")
    assert "Riverside list: Cold therapy after ankle sprain" in text
    assert "Clinic Rule" in text and "Riverside Clinic Disclaimer" in text
    assert "Riverside list: Cold therapy" in " ".join(
        pdf_pages(tmp_path / "remote" / "ankle.clinician.pdf"))


def test_each_job_carries_only_its_own_cited_entries_from_a_shared_bib():
    """The shared .bib is split once per build; each job's copy still blanks every entry
    it does not cite, keeps @string and the lines of what it cites."""
    from pipeline.bundle import sparse_bib, travels_whole

    text = ("% exported\n@string{jn = {J. Pain}}\n@article{a,\n  title = {A},\n}\n\n"
            "@book{b,\n  title = {B},\n}\n@article{c, journal = jn}\n")
    first, second = sparse_bib(text, {"a"}), sparse_bib(text, {"b", "c"})
    assert first.splitlines() == ["", "@string{jn = {J. Pain}}", "@article{a,", "  title = {A},",
                                  "}", "", "", "", "", ""]
    assert second == "\n@string{jn = {J. Pain}}\n\n\n\n\n@book{b,\n  title = {B},\n}\n" \
        "@article{c, journal = jn}\n"
    assert not travels_whole(text)
    assert travels_whole(text.replace("journal = jn", "crossref = {b}"))
