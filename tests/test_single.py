"""One manuscript to render (an edit): prepared once here, its PDF drawn by one warm worker.

Compared with the session's build of the examples (a pool of two workers,
one job per manuscript): the same bytes, whichever process drew the PDF.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import EPOCH, ROOT, build_fixed

from pipeline import single
from pipeline.build import BuildOptions, build
from pipeline.plan import Planner

SOURCE = ROOT / "manuscripts" / "regen-pain.md"


def same_outputs(out: Path, built: Path) -> list[str]:
    names = sorted(p.name for p in out.glob("regen-pain.*"))
    for name in names:
        assert (out / name).read_bytes() == (built / name).read_bytes(), name
    return names


def test_one_manuscript_is_prepared_once_here_and_its_pdf_drawn_by_the_worker(
        built, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    log = tmp_path / "calls.log"

    def logged(function, name=None):
        def call(*args):
            with open(log, "a") as f:  # the worker is another process: a file sees both
                f.write(f"{name or args[1]} {os.getpid()}\n")
            return function(*args)
        return call

    monkeypatch.setattr(single, "prepare_job", logged(single.prepare_job, "prepare"))
    monkeypatch.setattr(single, "render_one", logged(single.render_one))  # (doc, fmt, ...)
    report = build([SOURCE], BuildOptions(out=tmp_path / "dist", use_cache=False, jobs=2))
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    assert report.runner == "in-process with a PDF worker"
    calls = [line.split() for line in log.read_text().splitlines()]
    here = str(os.getpid())
    assert [name for name, pid in calls if pid == here] == ["prepare", "epub", "html"]
    assert [name for name, pid in calls if pid != here] == ["pdf"]
    assert same_outputs(tmp_path / "dist", built) == [
        "regen-pain.clinician.epub", "regen-pain.clinician.html", "regen-pain.clinician.pdf"]


def test_a_dead_pdf_worker_leaves_the_pdf_to_this_process(built, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    opened = single.SingleRunner.__init__

    def open_and_kill(self, styles, worker=None):
        opened(self, styles, worker)
        for process in list(self._pool._processes.values()):
            process.kill()  # as the out-of-memory killer would, before any PDF

    monkeypatch.setattr(single.SingleRunner, "__init__", open_and_kill)
    report = build([SOURCE], BuildOptions(out=tmp_path / "dist", use_cache=False, jobs=2,
                                          formats=("pdf",)))
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    assert (report.runner, report.built) == ("in-process with a PDF worker", 1)
    assert same_outputs(tmp_path / "dist", built) == ["regen-pain.clinician.pdf"]


@pytest.mark.parametrize(("jobs", "formats", "runner"), [
    (2, ("epub",), "in-process"),  # nothing for WeasyPrint: no worker
    (1, ("pdf", "epub"), "in-process"),  # --jobs 1: everything here
])
def test_without_a_pdf_or_with_one_job_nothing_is_forked(tmp_path, monkeypatch, jobs, formats,
                                                         runner):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(single, "SingleRunner", None)  # would fail if it were opened
    if "pdf" in formats:
        monkeypatch.setattr("pipeline.formats.pdf.PdfFormat.render", lambda *a: b"%PDF-stub")
    report = build([SOURCE], BuildOptions(out=tmp_path / "dist", use_cache=False, jobs=jobs,
                                          formats=formats))
    assert report.ok and report.runner == runner


def _two_remembered_manuscripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of two example manuscripts, not just written (remembered by their times);
    PDFs drawn as placeholder bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr("pipeline.formats.pdf.PdfFormat.render", lambda *a: b"%PDF-stub")
    folder = tmp_path / "manuscripts"
    folder.mkdir()
    for name in ("prp-spine-pain.md", "regen-pain.md"):
        shutil.copy(ROOT / "manuscripts" / name, folder / name)
        os.utime(folder / name, (1_700_000_000, 1_700_000_000))
    return folder


def test_the_pdf_worker_starts_before_planning_when_one_manuscript_changed(tmp_path,
                                                                            monkeypatch):
    """Its WeasyPrint loads while this process plans and prepares; never for a build where
    nothing changed, nor ahead of a pool."""
    folder = _two_remembered_manuscripts(tmp_path, monkeypatch)
    events: list[str] = []
    start, plan = single.PdfWorker.__init__, Planner.plan

    def started(self, styles):
        events.append("worker")
        start(self, styles)

    def planned(self, path):
        events.append("plan")
        return plan(self, path)

    monkeypatch.setattr(single.PdfWorker, "__init__", started)
    monkeypatch.setattr(Planner, "plan", planned)
    options = BuildOptions(out=tmp_path / "dist", cache_dir=tmp_path / "cache", jobs=2,
                           formats=("pdf",))
    assert build([folder], options).runner == "local pool"
    assert events == ["plan", "plan"]
    events.clear()
    assert build([folder], options).built == 0
    assert events == ["plan", "plan"]
    edited = folder / "regen-pain.md"
    edited.write_text(edited.read_text() + "\nOne more sentence from the editor.\n")
    os.utime(edited, (1_700_000_100, 1_700_000_100))
    events.clear()
    report = build([folder], options)
    # the edited handout's one PDF; the other's two editions from the cache
    assert (report.runner, report.built, report.reused) == ("in-process with a PDF worker", 1, 2)
    assert events == ["worker", "plan", "plan"]


def test_the_edited_manuscript_is_prepared_and_sent_before_the_others_are_planned(
        tmp_path, monkeypatch):
    """Its PDF is drawn while the unchanged manuscripts are planned; prepared once only."""
    folder = _two_remembered_manuscripts(tmp_path, monkeypatch)
    options = BuildOptions(out=tmp_path / "dist", cache_dir=tmp_path / "cache", jobs=2,
                           formats=("pdf", "epub"))
    assert build([folder], options).ok
    edited = folder / "regen-pain.md"  # planned last of the two, in the usual order
    edited.write_text(edited.read_text() + "\nOne more sentence from the editor.\n")
    os.utime(edited, (1_700_000_100, 1_700_000_100))
    events: list[str] = []
    plan, prepare, send = Planner.plan, single.prepare_job, single.send

    def planned(self, path):
        events.append(f"plan {path.name}")
        return plan(self, path)

    def prepared(job):
        events.append(f"prepare {job.manuscript.path.name}")
        return prepare(job)

    def sent(pool, doc, fmt, job):
        events.append(f"send {fmt}")
        return send(pool, doc, fmt, job)

    monkeypatch.setattr(Planner, "plan", planned)
    monkeypatch.setattr(single, "prepare_job", prepared)
    monkeypatch.setattr(single, "send", sent)
    report = build([folder], options)
    assert (report.runner, report.built, report.reused) == ("in-process with a PDF worker", 2, 4)
    assert events == ["prepare regen-pain.md", "send pdf",
                      "plan prp-spine-pain.md", "plan regen-pain.md"]
    assert (tmp_path / "dist" / "regen-pain.clinician.pdf").read_bytes() == b"%PDF-stub"


def test_a_job_prepared_ahead_for_other_editions_is_prepared_again(tmp_path, monkeypatch):
    """The build's job wants one edition only (the other is current): the editions prepared
    ahead are not used, the PDF sent ahead is not waited for."""
    from pipeline.jobs import RenderJob, prepare_job
    from pipeline.manuscript import load_manuscript
    from pipeline.model import RenderOptions
    from pipeline.stamp import GitHistory, make_stamp

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    source = ROOT / "manuscripts" / "prp-spine-pain.md"
    m, _ = load_manuscript(source, ROOT / "bibliography")
    assert tuple(m.audiences) == ("clinician", "patient")
    stamp = make_stamp(m, [source], GitHistory())
    both = RenderJob(m, stamp, ROOT / "styles", (("patient", "pdf"), ("clinician", "pdf")),
                     RenderOptions())
    one = RenderJob(m, stamp, ROOT / "styles", (("clinician", "pdf"),), RenderOptions())
    worker = single.PdfWorker(ROOT / "styles")
    try:
        worker.begin(both)
        assert worker.take(one) is None
        assert worker.take(both) is None  # taken once at most
        worker.begin(both)
        ahead = worker.take(both)
        assert ahead is not None and set(ahead.futures) == {("patient", "pdf"),
                                                           ("clinician", "pdf")}
        documents, problems = prepare_job(both)
        assert [d.audience for d in ahead.documents] == [d.audience for d in documents]
        assert ahead.problems.items == problems.items
    finally:
        worker.stop()


def test_formulas_drawn_here_reach_the_worker_with_the_print_html(formulas_and_code, tmp_path,
                                                                  monkeypatch):
    """The print HTML and the formula drawings it names are made here and laid out by the
    worker: the same PDF as a pool's worker makes from the edition alone."""
    from pipeline.formats import pdf

    log = tmp_path / "sent.log"
    layout = pdf.fitted_layout

    def logged(doc, *args):
        with open(log, "a") as f:  # in the worker (forked: it has this function)
            f.write(f"{doc.print_html is not None} {len(doc.print_html[1]) if doc.print_html else 0}"
                    f" {doc.attached_source is not None} {os.getpid()}\n")
        return layout(doc, *args)

    monkeypatch.setattr(pdf, "fitted_layout", logged)
    source = ROOT / "tests" / "fixtures" / "math" / "formulas.md"
    out = build_fixed([source], tmp_path / "dist", jobs=2, formats=("pdf",))
    made, drawings, attached, pid = log.read_text().split()
    assert (made, attached) == ("True", "True") and int(drawings) >= 10
    assert int(pid) != os.getpid()
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert pdfs
    for name in pdfs:
        assert (out / name).read_bytes() == (formulas_and_code / name).read_bytes(), name


def test_a_print_html_that_fails_here_is_reported_by_the_worker_as_any_render(tmp_path,
                                                                              monkeypatch):
    from pipeline import html
    from pipeline.errors import PipelineError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)

    def refused(doc, options, templates):
        raise PipelineError.at(doc.manuscript.path, 3, "no print edition today", "test")

    monkeypatch.setattr(html, "render_print_html", refused)
    report = build([SOURCE], BuildOptions(out=tmp_path / "dist", use_cache=False, jobs=2,
                                          formats=("pdf",)))
    assert report.runner == "in-process with a PDF worker" and not report.internal_errors
    assert [str(p) for p in report.problems if p.is_error] == [
        "manuscripts/regen-pain.md:3: no print edition today"]
    assert report.failed == ["manuscripts/regen-pain.md"]


def _collector_state() -> tuple[int, int]:
    import gc

    return gc.get_freeze_count(), gc.get_threshold()[0]


def test_the_warm_pdf_worker_has_set_aside_what_it_loaded_before_the_first_edition():
    """WeasyPrint's modules, fonts and stylesheets are frozen for the collector, which then
    walks only what a layout makes (see ``jobs.settle_collector``)."""
    from pipeline.jobs import YOUNG_THRESHOLD

    worker = single.PdfWorker(ROOT / "styles")
    try:
        frozen, young = worker.pool.submit(_collector_state).result(timeout=120)
    finally:
        worker.stop()
    assert frozen > 50_000  # WeasyPrint alone is hundreds of thousands of objects
    assert young == YOUNG_THRESHOLD


def test_the_worker_gets_the_print_html_without_the_trees_it_was_made_from(monkeypatch):
    """It lays out the HTML and attaches the source made here: the trees would only be
    unpickled.  When making the HTML failed, the edition keeps them, for the worker to
    draw it again and report why."""
    from pipeline.jobs import RenderJob, prepare_job
    from pipeline.manuscript import load_manuscript
    from pipeline.model import RenderOptions
    from pipeline.stamp import GitHistory, make_stamp

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    m, _ = load_manuscript(SOURCE, ROOT / "bibliography")
    job = RenderJob(m, make_stamp(m, [SOURCE], GitHistory()), ROOT / "styles",
                    (("clinician", "pdf"),), RenderOptions())
    [doc], _ = prepare_job(job)
    sent = single.for_the_worker(doc, job)
    assert (sent.ast, sent.source_ast) == ({}, None)
    assert sent.print_html[0].startswith("<!DOCTYPE html>")
    assert sent.attached_source.startswith("---\n") and sent.cited_bibtex.startswith("@")

    def broken(*args):
        raise RuntimeError("no template")

    monkeypatch.setattr("pipeline.formats.pdf.print_source", broken)
    kept = single.for_the_worker(doc, job)
    assert kept.print_html is None and kept.ast is doc.ast and kept.source_ast is doc.source_ast
