"""Where a worker's CPU goes: N handouts rendered in one warm process, by phase.

    python benchmarks/profile_render.py --n 10             # PDF and EPUB of 10 handouts
    python benchmarks/profile_render.py --n 10 --cprofile out.prof

A corpus of N handouts (``corpus.py``) is written to a scratch folder; one
handout is rendered first to warm the process (imports, fonts, the resident
pandoc), then every handout is rendered as a worker renders it
(``jobs.run_job``), with the CPU time of this process and of its pandoc
children split into phases (exclusive: a phase inside another counts once):

- ``prepare``: parsing, checks and citations (``prepare.prepare``, pandoc's
  reader included);
- ``html``: the print HTML (pandoc's HTML writer and the Jinja2 template);
- ``layout``: WeasyPrint's ``HTML.render``, and ``fit``'s table check;
- ``pdf write``: WeasyPrint's ``write_pdf``, fonts subset, tags finished;
- ``attachments``: the edition's source and cited BibTeX embedded in the PDF;
- ``epub pandoc`` / ``epub finish``: pandoc's EPUB writer, then the package
  rewritten;
- ``gc``: the garbage collector's pauses, wherever they fall;
- ``other``: the rest of the job (reading grade, result assembly).

After each handout, WeasyPrint alone on its print HTML, as the benchmark's
floor measures it (``bench.py floor-once``, with the garbage collector as a
fresh process has it and pydyf without the pipeline's patches): right after, so that both see the same load on a
shared machine.  The figures are CPU seconds per handout; the ratio
pipeline / floor is what a cold build can at best reach over the floor with
perfect parallelism.  ``PYTHONPATH=OTHER_CHECKOUT`` measures another
version of the pipeline with this script.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.append(str(HERE.parent))  # after PYTHONPATH: another checkout can be measured

from corpus import make_corpus

os.environ.setdefault("SOURCE_DATE_EPOCH", "1760000000")


class Phases:
    """CPU seconds (this process and its children) per phase, exclusive of nested phases."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack: list[str] = ["other"]
        self.gc_all = 0.0
        self.paused = False  # while the floor is measured
        self.mark = self.cpu()

    @staticmethod
    def cpu() -> float:
        """CPU of this process, its finished children and its live ones (the resident pandoc)."""
        import psutil

        own = time.process_time()
        done = resource.getrusage(resource.RUSAGE_CHILDREN)
        live = 0.0
        for child in psutil.Process().children():
            try:
                times = child.cpu_times()
                live += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return own + done.ru_utime + done.ru_stime + live

    def switch(self, name: str | None) -> None:
        now = self.cpu()
        self.seconds[self.stack[-1]] += now - self.mark
        self.mark = now
        if name is None:
            self.stack.pop()
        else:
            self.stack.append(name)

    def wrap(self, owner: object, attribute: str, name: str) -> None:
        """Count calls of ``owner.attribute`` as ``name``."""
        original = getattr(owner, attribute)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            if self.paused:
                return original(*args, **kwargs)
            self.switch(name)
            try:
                return original(*args, **kwargs)
            finally:
                self.switch(None)

        setattr(owner, attribute, timed)

    def count_collections(self) -> None:
        """Count the garbage collector's full collections as a phase of their own (``gc``),
        and the time of every collection (``gc_all``, inside the other phases)."""
        import gc

        started = [0.0]

        def pause(phase: str, info: dict) -> None:
            if phase == "start":
                started[0] = time.process_time()
            elif not self.paused:
                self.gc_all += time.process_time() - started[0]
            if info["generation"] == 2 and not self.paused:
                self.switch("gc" if phase == "start" else None)

        gc.callbacks.append(pause)

    def reset(self) -> None:
        self.seconds.clear()
        self.gc_all = 0.0
        self.mark = self.cpu()


def instrument(phases: Phases) -> None:
    """Wrap the stages of a render (the modules' own names, so every caller is counted)."""
    import weasyprint
    from weasyprint.document import Document

    import pipeline.attachments
    import pipeline.html
    import pipeline.jobs
    import pipeline.prepare
    from pipeline.formats import epub, fit, pdf

    phases.wrap(pipeline.prepare, "prepare", "prepare")
    phases.wrap(pipeline.html, "render_print_html", "html")
    phases.wrap(weasyprint.HTML, "__init__", "layout")  # WeasyPrint parses the HTML here
    phases.wrap(weasyprint.HTML, "render", "layout")
    phases.wrap(fit, "overflowing_tables", "layout")
    phases.wrap(Document, "write_pdf", "pdf write")
    phases.wrap(pdf, "cited_bibtex", "attachments")
    phases.wrap(pipeline.attachments, "edition_source", "attachments")
    phases.wrap(epub, "run_pandoc", "epub pandoc")
    phases.wrap(epub, "write_book", "epub pandoc")  # the resident pandoc's CPU included
    phases.wrap(epub, "finish_epub", "epub finish")
    phases.wrap(epub, "book_ast", "epub finish")
    del pipeline.jobs  # run_job itself is "other"


def jobs_for(folder: Path, formats: tuple[str, ...]) -> list:
    """One render job per manuscript, as a build makes them (stamp, styles, options)."""
    from pipeline.build import STYLES, BuildOptions, inputs_of, load_all
    from pipeline.errors import Problems
    from pipeline.jobs import RenderJob
    from pipeline.model import RenderOptions
    from pipeline.stamp import GitHistory, make_stamp

    files = sorted(folder.glob("*.md"))
    manuscripts, _ = load_all(files, BuildOptions(), Problems())
    history = GitHistory()
    return [RenderJob(m, make_stamp(m, inputs_of(m, STYLES), history), STYLES,
                      tuple((a, f) for a in m.audiences for f in formats), RenderOptions())
            for m in manuscripts]


def floor_cpu(job: object) -> tuple[float, int]:
    """WeasyPrint alone on the job's print HTML, as ``bench.py floor-once`` runs it, with the
    garbage collector as a fresh process has it."""
    import gc

    from weasyprint import HTML, Attachment

    from pipeline.formats import pdf
    from pipeline.jobs import print_html

    try:  # pydyf as released, as in bench.py's fresh process
        from pipeline.formats.pydyf_patches import unpatched
    except ImportError:  # another checkout, from before the patches
        unpatched = contextlib.nullcontext
    threshold = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)  # Python's defaults
    total, pages = 0.0, 0
    with unpatched():
        try:
            m = job.manuscript
            for doc, html in print_html(job):
                folder = m.path.parent.resolve()
                fetcher = pdf._fetcher_class()([folder, job.styles])
                font_config, counter_style, sheets = pdf._stylesheets(job.styles)
                when = dt.datetime.combine(doc.stamp.build_date, dt.time(), dt.UTC)
                attachment = Attachment(string=m.path.read_bytes(), name=m.path.name,
                                        created=when, modified=when, relationship="Source")
                c0 = time.process_time()
                document = HTML(string=html, base_url=folder.as_uri() + "/",
                                url_fetcher=fetcher).render(
                    stylesheets=list(sheets), font_config=font_config, counter_style=counter_style,
                    pdf_variant=pdf.PDF_VARIANT)
                document.write_pdf(pdf_variant=pdf.PDF_VARIANT, custom_metadata=True,
                                   attachments=[attachment], pdf_identifier=pdf.pdf_identifier(doc))
                total += time.process_time() - c0
                pages += len(document.pages)
        finally:
            gc.set_threshold(*threshold)
            if threshold[0] != 700:  # the worker had settled (see jobs.settle_collector)
                gc.collect()
                gc.freeze()
    return total, pages


def main(argv: list[str] | None = None) -> int:
    """Render the corpus by phase, then the floor; print a table (and JSON with --report)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10, help="handouts (default 10)")
    parser.add_argument("--format", action="append", dest="formats", choices=["pdf", "epub"])
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--report", type=Path, help="also write the figures as JSON")
    parser.add_argument("--cprofile", type=Path, help="also write cProfile's statistics")
    parser.add_argument("--no-floor", action="store_true", help="leave out WeasyPrint alone")
    args = parser.parse_args(argv)
    formats = tuple(args.formats or ("pdf", "epub"))
    work = args.work or Path(tempfile.mkdtemp(prefix="handout-profile-"))
    make_corpus(work, args.n)
    os.chdir(work)
    from pipeline.jobs import run_job

    jobs = jobs_for(work / "manuscripts", formats)
    phases = Phases()
    instrument(phases)
    phases.count_collections()
    run_job(jobs[0])  # warm: imports, fonts, stylesheets, the resident pandoc
    phases.reset()
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    wall = 0.0
    failed = pages = 0
    floor = 0.0
    for job in jobs:
        started = time.perf_counter()
        result = run_job(job)
        wall += time.perf_counter() - started
        failed += sum(p.is_error for p in result.problems)
        if not args.no_floor and "pdf" in formats:  # right after: the same load on the machine
            phases.switch("(floor)")
            phases.paused = True
            seconds, count = floor_cpu(job)
            floor, pages = floor + seconds, pages + count
            phases.paused = False
            phases.switch(None)
    phases.switch("other")  # close the books
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    seconds = dict(phases.seconds)
    seconds.pop("(floor)", None)
    n = len(jobs)
    total = sum(seconds.values())
    lines = [(f"{n} handouts ({', '.join(formats)}), {pages} PDF pages; wall {wall:.1f} s, "
             f"load {os.getloadavg()[0]:.1f}; {failed} errors"),
             "", "| phase | CPU s / handout | share |", "|---|---:|---:|"]
    for name in ("prepare", "html", "layout", "pdf write", "attachments", "epub pandoc",
                 "epub finish", "gc", "other"):
        lines.append(f"| {name} | {seconds.get(name, 0) / n:.3f} | "
                     f"{seconds.get(name, 0) / total:.0%} |")
    lines.append(f"| **pipeline total** | **{total / n:.3f}** | |")
    lines.append(f"| (garbage collection, every generation, within the above) | "
                 f"{phases.gc_all / n:.3f} | {phases.gc_all / total:.0%} |")
    if floor:
        lines.append(f"| floor: WeasyPrint alone on the same HTML | {floor / n:.3f} | |")
        lines.append(f"| pipeline / floor | {total / floor:.2f} | |")
    print("\n".join(lines))
    if args.report:
        args.report.write_text(json.dumps({"n": n, "formats": formats, "phases": seconds,
                                           "total": total, "gc_all": phases.gc_all, "floor": floor, "pages": pages,
                                           "wall": wall, "failed": failed}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
