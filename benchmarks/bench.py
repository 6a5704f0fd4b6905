"""Benchmark the pipeline against the usual alternative, on one machine, in one run.

    python benchmarks/bench.py                 # 100 manuscripts, every measurement
    python benchmarks/bench.py --n 10          # a quick run while iterating
    python benchmarks/bench.py --big           # also one 300-page manuscript
    invoke bench -n 10                         # the same through invoke

It writes a corpus of N synthetic handouts (``corpus.py``) into a scratch
folder and measures, each in fresh processes:

- the pipeline: a cold build (empty cache), a rebuild with no change, and a
  rebuild after one manuscript was edited;
- the usual alternative on the same corpus: per manuscript
  ``pandoc --citeproc --pdf-engine=weasyprint`` then ``pandoc --citeproc -o
  x.epub``, once in sequence and once with as many parallel jobs as CPUs;
- the floor: WeasyPrint alone turning the pipeline's final print HTML into
  PDFs in one warm process, summed and divided by the CPUs; the cold build is
  compared with it over ``--repeat`` pairs (default 3) measured in turn, a
  cold build then a floor, as the median cold build over the median floor
  (``cold_floor.py``; every pair is reported); for an edit, a
  fresh process making the edited manuscript's PDFs with WeasyPrint alone,
  from its start to its end (interpreter, import, the project's stylesheets
  and fonts, a first document's layout), as the pipeline's edit is counted;
  WeasyPrint's import plus a second, warm rendering of those PDFs is reported
  beside it (see ``edit_timeline.py`` for where the difference goes, and for
  figures near an idle machine's on a shared one);
- the same cold build on a two-worker Dask cluster started as the README
  says (``bench_dask.py``: scheduler and workers in processes of their own,
  every one of their CPU seconds counted), against the local pool;
- optionally one 300-page manuscript (``--big``), for its memory.

Wall time, CPU time (the process and every child it waited for) and peak
memory (the largest single process: a worker, or pandoc/WeasyPrint) are
reported with the ratios the targets speak of, as a table on stdout and in
``benchmarks/results/`` (JSON and Markdown).  The load average before and
after is recorded too: other work on the machine slows every measurement.

Every run uses a copy of ``pipeline/`` and ``styles/`` taken at the start,
so the runs measure one version of the code even while the working tree
changes (the render cache is keyed by the pipeline's source).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.append(str(ROOT))  # after PYTHONPATH: the runs import the snapshot (see snapshot())

import cold_floor
from corpus import edit_one, make_big, make_corpus

EPOCH = "1760000000"
TARGETS = {
    "cold_vs_sequential": 4.0, "cold_vs_parallel": 2.0, "cold_vs_floor": 1.2,
    "no_change_seconds": 1.0, "edit_one_over_floor_seconds": 1.0, "worker_rss_mb": 400,
    "big_rss_mb": 1536, "parent_rss_vs_baseline": 1.2, "dask_warm_vs_local_pool": 1.15,
}


@dataclass
class Measure:
    """One timed run: wall seconds, CPU seconds (with children), peak memory of one process."""

    wall: float = 0.0
    cpu: float = 0.0
    max_rss_mb: float = 0.0
    parent_rss_mb: float = 0.0  # the building process itself (pipeline runs only)
    failures: int = 0
    extra: dict = field(default_factory=dict)

    def add(self, other: Measure) -> None:
        self.cpu += other.cpu
        self.max_rss_mb = max(self.max_rss_mb, other.max_rss_mb)
        self.failures += other.failures


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None,
        log: Path | None = None) -> Measure:
    """Run ``cmd``; its CPU time and peak memory come from wait4 (children included)."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=out)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()
    return Measure(wall=time.perf_counter() - started, cpu=usage.ru_utime + usage.ru_stime,
                   max_rss_mb=usage.ru_maxrss / 1024, failures=int(proc.returncode != 0))


def snapshot(work: Path) -> Path:
    """A copy of the pipeline's code and styles; every run in this benchmark uses it.

    The copy is compiled to bytecode once, as an installed package is: with
    ``PYTHONDONTWRITEBYTECODE`` set, every run would otherwise compile the
    whole package again (about a second on a loaded machine).
    """
    import compileall

    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    for name in ("pipeline", "styles"):
        shutil.copytree(ROOT / name, code / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    compileall.compile_dir(code / "pipeline", quiet=1)
    sys.path.insert(0, str(code))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code),
                                                            os.environ.get("PYTHONPATH")]))
    return code


def environment(extra: dict | None = None) -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra or {})
    return env


# ---------------------------------------------------------------- the pipeline

def pipeline_build(work: Path, cache: Path, out: Path, jobs: int | None,
                   scheduler: str | None = None, paths: list[Path] | None = None,
                   formats: list[str] | None = None, stub: bool = False) -> Measure:
    """One build in a fresh process; the report's counts and worker memory come back."""
    report = work / "report.json"
    cmd = [sys.executable, str(HERE / "build_once.py"), "--out", str(out),
           "--report", str(report), *[str(p) for p in (paths or [work / "manuscripts"])]]
    for fmt in formats or []:
        cmd += ["--format", fmt]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    if scheduler:
        cmd += ["--scheduler", scheduler]
    extra = {"HANDOUT_CACHE_DIR": str(cache), **({"HANDOUT_BENCH_STUB": "1"} if stub else {})}
    measure = run(cmd, cwd=work, env=environment(extra), log=work / "pipeline.log")
    data = json.loads(report.read_text())
    measure.extra = data
    measure.parent_rss_mb = data["parent_max_rss_mb"]
    measure.failures += data["failed"]
    if data["worker_max_rss_mb"]:
        measure.max_rss_mb = data["worker_max_rss_mb"]  # the largest worker, not the parent
    return measure


def cold_again(work: Path, index: int, jobs: int, formats: list[str] | None) -> Measure:
    """Another cold build of the corpus, from an empty cache into an empty folder."""
    cache, out = work / f"cache-cold-{index}", work / f"dist-cold-{index}"
    for folder in (cache, out):
        shutil.rmtree(folder, ignore_errors=True)
    measure = pipeline_build(work, cache, out, jobs, formats=formats)
    for folder in (cache, out):
        shutil.rmtree(folder, ignore_errors=True)
    return measure


# ---------------------------------------------------------------- the alternative

def alternative_one(manuscript: Path, bib: Path, csl: Path, out: Path) -> Measure:
    """pandoc + WeasyPrint for the PDF, then pandoc for the EPUB, as a script would."""
    from pipeline.pandoc import pandoc_path

    pandoc = str(pandoc_path())
    common = ["--citeproc", "--bibliography", str(bib), "--csl", str(csl)]
    total = Measure()
    started = time.perf_counter()
    for target, extra in ((out / f"{manuscript.stem}.pdf", ["--pdf-engine=weasyprint"]),
                          (out / f"{manuscript.stem}.epub", [])):
        total.add(run([pandoc, str(manuscript), *common, *extra, "-o", str(target)],
                      cwd=manuscript.parent, env=environment(), log=out / "alternative.log"))
    total.wall = time.perf_counter() - started
    return total


def alternative(work: Path, jobs: int) -> Measure:
    from pipeline.csl import bundled_styles

    out = work / f"alternative-{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    manuscripts = sorted((work / "manuscripts").glob("*.md"))
    bib, csl = work / "bibliography" / "corpus.bib", bundled_styles()["american-medical-association"]
    total = Measure()
    started = time.perf_counter()
    with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
        for one in pool.map(lambda m: alternative_one(m, bib, csl, out), manuscripts):
            total.add(one)
    total.wall = time.perf_counter() - started
    total.extra = {"pdfs": len(list(out.glob("*.pdf"))), "epubs": len(list(out.glob("*.epub")))}
    return total


# ---------------------------------------------------------------- the floor

def floor(work: Path, cpus: int, only: str | None = None) -> Measure:
    """WeasyPrint alone on the pipeline's final HTML, one warm process, divided by CPUs.

    ``only``: just that manuscript (file name), for the floor of an edit on a
    corpus too large to render twice.
    """
    report = work / "floor.json"
    measure = run([sys.executable, str(Path(__file__).resolve()), "floor-once",
                   str(work / "manuscripts"), "--report", str(report),
                   *(["--only", only] if only else [])],
                  cwd=work, env=environment(), log=work / "floor.log")
    data = json.loads(report.read_text())
    measure.extra = data
    measure.wall = data["weasyprint_seconds"] / cpus
    measure.cpu = data["weasyprint_cpu_seconds"]
    return measure


def floor_once(argv: list[str]) -> int:
    """``bench.py floor-once``: time WeasyPrint on each edition's final print HTML."""
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--only", help="just this manuscript (file name)")
    args = parser.parse_args(argv)
    import datetime as _dt

    started = time.perf_counter()
    from weasyprint import HTML, Attachment

    import_seconds = time.perf_counter() - started

    from pipeline.build import STYLES, BuildOptions, inputs_of, load_all
    from pipeline.errors import Problems
    from pipeline.formats import pdf, subsetting
    from pipeline.jobs import RenderJob, print_html
    from pipeline.model import RenderOptions
    from pipeline.stamp import GitHistory, make_stamp

    pdf._quiet_weasyprint()
    subsetting.install()
    files = sorted(args.folder.glob(args.only or "*.md"))
    manuscripts, _ = load_all(files, BuildOptions(), Problems())
    history = GitHistory()
    wall = cpu = 0.0
    pages = 0
    by_manuscript: dict[str, float] = {}
    warmed = False
    written: list[str] = []
    for m in manuscripts:
        job = RenderJob(m, make_stamp(m, inputs_of(m, STYLES), history), STYLES,
                        tuple((a, "pdf") for a in m.audiences), RenderOptions())
        for doc, html in print_html(job):
            folder = m.path.parent.resolve()
            fetcher = pdf._fetcher_class()([folder, STYLES])
            font_config, counter_style, sheets = pdf._stylesheets(STYLES)
            when = _dt.datetime.combine(doc.stamp.build_date, _dt.time(), _dt.UTC)
            attachment = Attachment(string=m.path.read_bytes(), name=m.path.name,
                                    created=when, modified=when, relationship="Source")
            if not warmed:  # the first document pays for imports and font loading
                HTML(string=html, base_url=folder.as_uri() + "/", url_fetcher=fetcher).render(
                    stylesheets=list(sheets), font_config=font_config,
                    counter_style=counter_style).write_pdf()
                warmed = True
            t0, c0 = time.perf_counter(), time.process_time()
            document = HTML(string=html, base_url=folder.as_uri() + "/",
                            url_fetcher=fetcher).render(
                stylesheets=list(sheets), font_config=font_config, counter_style=counter_style,
                pdf_variant=pdf.PDF_VARIANT)
            document.write_pdf(pdf_variant=pdf.PDF_VARIANT, custom_metadata=True,
                               attachments=[attachment],
                               pdf_identifier=pdf.pdf_identifier(doc))
            wall += time.perf_counter() - t0
            cpu += time.process_time() - c0
            by_manuscript[m.path.name] = by_manuscript.get(m.path.name, 0.0) + \
                time.perf_counter() - t0
            pages += len(document.pages)
            written.append(html)
    fresh = fresh_floor(args.folder / args.only, written) if args.only else None
    args.report.write_text(json.dumps({"weasyprint_seconds": wall,
                                       "weasyprint_cpu_seconds": cpu, "pages": pages,
                                       "import_seconds": import_seconds,
                                       "by_manuscript": by_manuscript,
                                       "fresh_seconds": fresh}))
    return 0


def fresh_floor(manuscript: Path, htmls: list[str]) -> float:
    """The wall time of a fresh process making the PDFs of ``htmls`` with WeasyPrint alone.

    What one manuscript costs from nothing: the interpreter's start, WeasyPrint's
    import, the project's stylesheets and fonts loaded, and its first PDF laid out
    (the fonts, shaping and hyphenation a first document pays for), as ``python -c``
    would; nothing of the pipeline is imported.
    """
    from pipeline.build import STYLES
    from pipeline.formats.pdf import STYLESHEETS

    folder = Path(tempfile.mkdtemp(prefix="floor-fresh-"))
    spec = {"manuscript": str(manuscript.resolve()), "htmls": [],
            "stylesheets": [str(STYLES / "css" / name) for name in STYLESHEETS]}
    for index, html in enumerate(htmls):
        (folder / f"{index}.html").write_text(html, encoding="utf-8")
        spec["htmls"].append(str(folder / f"{index}.html"))
    (folder / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "floor-fresh",
                    str(folder / "spec.json")], check=True, env=environment())
    seconds = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    return seconds


def floor_fresh(argv: list[str]) -> int:
    """``bench.py floor-fresh SPEC``: WeasyPrint alone makes SPEC's PDFs in this new process."""
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration

    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    manuscript = Path(spec["manuscript"])
    font_config, counter_style = FontConfiguration(), CounterStyle()
    sheets = [CSS(filename=name, font_config=font_config, counter_style=counter_style)
              for name in spec["stylesheets"]]
    for name in spec["htmls"]:
        attachment = Attachment(string=manuscript.read_bytes(), name=manuscript.name,
                                relationship="Source")
        HTML(string=Path(name).read_text(encoding="utf-8"),
             base_url=manuscript.parent.as_uri() + "/").render(
            stylesheets=sheets, font_config=font_config, counter_style=counter_style,
            pdf_variant="pdf/a-3a").write_pdf(pdf_variant="pdf/a-3a", custom_metadata=True,
                                              attachments=[attachment])
    return 0


# ---------------------------------------------------------------- Dask

def dask_build(work: Path, jobs: int, formats: list[str] | None = None
               ) -> tuple[Measure, Measure, Measure, Measure] | None:
    """Cold builds (empty cache) on the local pool, on a fresh Dask cluster, again on the
    same, now warm, cluster, and on the local pool again once the cluster is stopped.

    The cluster is compared with the mean of the two local builds around it, so that a
    machine that gets slower or faster during the runs favours neither side.

    The cluster is started as the README says: ``dask scheduler`` in a process of
    its own and ``dask worker --nthreads 1`` with the settings for builds
    (``bench_dask.WORKER_ENV``).  Its CPU is counted whole: the scheduler, the
    nannies, the workers and the pandoc each worker keeps running.
    """
    try:
        import psutil  # noqa: F401 - the cluster's CPU is read with it
        from bench_dask import Cluster, build_on
    except ImportError:
        return None
    before = pipeline_build(work, work / "cache-local-before", work / "dist-local-before", jobs,
                            formats=formats)
    cluster = Cluster(work, jobs)
    try:
        runs = []
        for name in ("dask-fresh", "dask-warm"):
            run = build_on(cluster, work, name, formats)
            measure = Measure(wall=run["wall"], cpu=run["cpu"], extra=run["extra"])
            measure.parent_rss_mb = run["extra"]["parent_max_rss_mb"]
            measure.max_rss_mb = run["extra"]["worker_max_rss_mb"]
            measure.failures = run["extra"]["failed"]
            measure.extra["cpu_by_role"] = run["roles"]
            runs.append(measure)
    finally:
        cluster.close()
    after = pipeline_build(work, work / "cache-local", work / "dist-local", jobs,
                           formats=formats)
    for name, measure in zip(("dask-fresh", "dask-warm"), runs, strict=True):
        measure.extra["identical_to_local"] = same_files(work / f"dist-{name}",
                                                         work / "dist-local")
    return runs[0], runs[1], before, after


def same_files(a: Path, b: Path) -> bool:
    """Both folders hold the same files with the same bytes."""
    names = sorted(p.name for p in a.iterdir() if p.is_file())
    return names == sorted(p.name for p in b.iterdir() if p.is_file()) and all(
        (a / n).read_bytes() == (b / n).read_bytes() for n in names)


# ---------------------------------------------------------------- report

def ratio(a: float, b: float) -> float:
    """``a / b`` unrounded: a target is met or not on the measured value, and the table
    shows three decimals, so 1.203 is never read as 1.2."""
    return a / b if b else float("inf")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["build-once"]:
        from build_once import main as build_once

        return build_once(argv[1:])
    if argv[:1] == ["floor-once"]:
        return floor_once(argv[1:])
    if argv[:1] == ["floor-fresh"]:
        return floor_fresh(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="manuscripts (default 100)")
    parser.add_argument("--jobs", type=int, default=None, help="workers (default: CPUs)")
    parser.add_argument("--big", action="store_true", help="also one 300-page manuscript")
    parser.add_argument("--big-sections", type=int, default=300,
                        help="sections of the big manuscript (about a page each)")
    parser.add_argument("--format", action="append", dest="formats", choices=["pdf", "epub"],
                        help="only this format in the pipeline's runs (repeatable; e.g. "
                        "epub for a large N on few CPUs)")
    parser.add_argument("--baseline", type=Path,
                        help="an earlier result (JSON) of a smaller N: compare parent memory")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["alternative", "sequential", "floor", "dask"],
                        help="leave a measurement out (repeatable)")
    parser.add_argument("--stub-cold", action="store_true",
                        help="prime the cold build with placeholder bytes instead of rendering "
                        "(a large N on a small machine): no-change and the edit are real")
    parser.add_argument("--floor-edited-only", action="store_true",
                        help="the floor of the edited manuscript only (import + its PDF), "
                        "not of every manuscript: for a large N")
    parser.add_argument("--repeat", type=int, default=3,
                        help="cold builds and floors measured in turn for their comparison, "
                        "which is of the medians (default 3; not with --stub-cold, "
                        "--floor-edited-only or --skip floor)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--results", type=Path, default=HERE / "results",
                        help="where the JSON and Markdown go")
    args = parser.parse_args(argv)
    if min(args.n, args.big_sections, args.repeat, args.jobs or 1) < 1:
        parser.error("--n, --jobs, --big-sections and --repeat must be at least 1")
    cpus = len(os.sched_getaffinity(0))
    jobs = args.jobs or cpus
    work = args.work or Path(tempfile.mkdtemp(prefix="handout-bench-"))
    for left in ("manuscripts", "cache", "dist"):  # a --work run before: the cold build is cold
        shutil.rmtree(work / left, ignore_errors=True)
    code = snapshot(work)
    make_corpus(work, args.n)
    load_before = os.getloadavg()
    results: dict[str, Measure] = {}
    pairs: dict | None = None

    def say(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    say(f"corpus of {args.n} manuscripts in {work}, code from {code}; pipeline cold build")
    formats = args.formats
    results["cold"] = pipeline_build(work, work / "cache", work / "dist", jobs, formats=formats,
                                     stub=args.stub_cold)
    results["cold"].extra["stub"] = args.stub_cold
    say("no-change rebuild")
    results["no_change"] = pipeline_build(work, work / "cache", work / "dist", jobs,
                                          formats=formats)
    edited = min((work / "manuscripts").glob("*.md"))
    edit_one(edited)
    say("rebuild after editing one manuscript")
    results["edit_one"] = pipeline_build(work, work / "cache", work / "dist", jobs,
                                         formats=formats)
    if "floor" not in args.skip:
        say("floor: WeasyPrint alone on the pipeline's print HTML")
        results["floor"] = floor(work, cpus, edited.name if args.floor_edited_only else None)
        results["floor"].extra["edited_only"] = args.floor_edited_only
        data = results["floor"].extra
        # the least an edited manuscript can cost: a fresh process making its PDFs with
        # WeasyPrint alone; the import plus a second, warm rendering is kept for comparison
        data["edit_one_warm_floor_seconds"] = \
            data["import_seconds"] + data["by_manuscript"].get(edited.name, 0.0)
        data["edit_one_floor_seconds"] = data.get("fresh_seconds") \
            or data["edit_one_warm_floor_seconds"]
        if not (args.floor_edited_only or args.stub_cold):
            pairs = cold_floor.summarise(*cold_floor.alternate(
                results["cold"], results["floor"], args.repeat,
                lambda i: cold_again(work, i, jobs, formats), lambda i: floor(work, cpus), say))
    if "alternative" not in args.skip:
        say(f"alternative with {cpus} parallel jobs")
        results["alternative_parallel"] = alternative(work, cpus)
        if "sequential" not in args.skip:
            say("alternative in sequence")
            results["alternative_sequential"] = alternative(work, 1)
    if "dask" not in args.skip:
        say("Dask: two-worker local cluster, then the local pool, both cold")
        found = dask_build(work, jobs, formats)
        if found:
            (results["dask_cold"], results["dask_warm"], results["local_pool_before"],
             results["local_pool_cold"]) = found
    if args.big:
        say(f"one big manuscript ({args.big_sections} sections)")
        big = work / "big"
        shutil.rmtree(big, ignore_errors=True)
        make_big(big, args.big_sections)
        results["big"] = pipeline_build(big, big / "cache", big / "dist", jobs, formats=formats)
        results["big"].extra["pages"] = _pdf_pages(big / "dist")
    load_after = os.getloadavg()
    summary = summarise(results, args.n, cpus, load_before, load_after)
    if pairs:
        summary["cold_vs_floor"] = pairs
        summary["ratios"]["cold_vs_floor"] = pairs["ratio"]
        summary["met"]["cold_vs_floor"] = pairs["ratio"] <= TARGETS["cold_vs_floor"]
    summary["formats"] = formats or ["pdf", "epub"]
    summary["stub_cold"] = args.stub_cold
    summary["command"] = " ".join(["python benchmarks/bench.py", *argv])
    if args.baseline:
        base = json.loads(args.baseline.read_text())
        before = base["results"]["cold"]["parent_rss_mb"]
        summary["baseline"] = {"file": args.baseline.name, "n": base["n"],
                               "parent_rss_mb": before}
        summary["ratios"]["parent_rss_vs_baseline"] = ratio(results["cold"].parent_rss_mb,
                                                            before)
        summary["met"]["parent_rss_vs_baseline"] = \
            summary["ratios"]["parent_rss_vs_baseline"] <= TARGETS["parent_rss_vs_baseline"]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    args.results.mkdir(parents=True, exist_ok=True)
    base = args.results / f"bench-n{args.n}-{stamp}"
    base.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n")
    table = markdown(summary)
    base.with_suffix(".md").write_text(table)
    print(table)
    say(f"written {base}.json and .md")
    return 0


def _pdf_pages(folder: Path) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(p).pages) for p in folder.glob("*.pdf"))


def summarise(results: dict[str, Measure], n: int, cpus: int, load_before: tuple,
              load_after: tuple) -> dict:
    r = {k: asdict(v) for k, v in results.items()}
    ratios: dict[str, float] = {}
    cold = results["cold"].wall
    if "alternative_sequential" in results:
        ratios["cold_vs_sequential"] = ratio(results["alternative_sequential"].wall, cold)
    if "alternative_parallel" in results:
        ratios["cold_vs_parallel"] = ratio(results["alternative_parallel"].wall, cold)
    if "floor" in results and not results["floor"].extra.get("edited_only"):
        ratios["cold_vs_floor"] = ratio(cold, results["floor"].wall)
    if "dask_cold" in results:
        locals_ = [results[k] for k in ("local_pool_before", "local_pool_cold") if k in results]
        local_wall = sum(m.wall for m in locals_) / len(locals_)
        local_cpu = sum(m.cpu for m in locals_) / len(locals_)
        ratios["dask_vs_local_pool"] = ratio(results["dask_cold"].wall, local_wall)
        ratios["dask_warm_vs_local_pool"] = ratio(results["dask_warm"].wall, local_wall)
        # CPU seconds, every process counted: on a shared machine, wall time follows the load
        ratios["dask_warm_cpu_vs_local_pool"] = ratio(results["dask_warm"].cpu, local_cpu)
    worker_rss = max(results[k].max_rss_mb for k in ("cold", "edit_one"))
    met = {
        "cold_vs_sequential": ratios.get("cold_vs_sequential", 0) >= TARGETS["cold_vs_sequential"],
        "cold_vs_parallel": ratios.get("cold_vs_parallel", 0) >= TARGETS["cold_vs_parallel"],
        "cold_vs_floor": ratios.get("cold_vs_floor", 99) <= TARGETS["cold_vs_floor"],
        "no_change_seconds": results["no_change"].wall < TARGETS["no_change_seconds"],
        "worker_rss_mb": worker_rss < TARGETS["worker_rss_mb"],
    }
    if "floor" in results:
        floor_one = results["floor"].extra["edit_one_floor_seconds"]
        met["edit_one_over_floor_seconds"] = \
            results["edit_one"].wall < floor_one + TARGETS["edit_one_over_floor_seconds"]
    if "dask_warm_vs_local_pool" in ratios:
        met["dask_warm_vs_local_pool"] = \
            ratios["dask_warm_vs_local_pool"] <= TARGETS["dask_warm_vs_local_pool"]
    if "big" in results:
        met["big_rss_mb"] = results["big"].max_rss_mb < TARGETS["big_rss_mb"]
    return {
        "n": n, "cpus": cpus, "python": platform.python_version(),
        "machine": platform.platform(), "when": dt.datetime.now(dt.UTC).isoformat(),
        "load_average_before": load_before, "load_average_after": load_after,
        "results": r, "ratios": ratios, "worker_max_rss_mb": worker_rss,
        "targets": TARGETS, "met": met,
    }


def _edit_floor_words(floor: dict) -> str:
    """How the edit's floor was measured, for the targets' table."""
    warm = floor.get("edit_one_warm_floor_seconds", floor.get("edit_one_floor_seconds", 0))
    if floor.get("fresh_seconds"):
        return (f" (WeasyPrint alone in a fresh process, its PDFs: {floor['fresh_seconds']:.2f}"
                f" s; import + a warm second rendering: {warm:.2f} s)")
    return f" (WeasyPrint's import + a warm second rendering of its PDFs: {warm:.2f} s)"


def markdown(summary: dict) -> str:
    rows = [("cold", "pipeline, cold (empty cache)" + (
                ", STUB: workers return placeholder bytes" if summary.get("stub_cold") else "")),
            ("no_change", "pipeline, no change"),
            ("edit_one", "pipeline, one manuscript edited"),
            ("floor", "floor: WeasyPrint alone / CPUs"),
            ("alternative_parallel", "pandoc+WeasyPrint, parallel"),
            ("alternative_sequential", "pandoc+WeasyPrint, sequential"),
            ("local_pool_before", "pipeline, local pool, cold, before the cluster"),
            ("dask_cold", "pipeline, fresh 2-worker Dask cluster, cold cache"),
            ("dask_warm", "pipeline, same Dask cluster again, cold cache"),
            ("local_pool_cold", "pipeline, local pool, cold, after the cluster"),
            ("big", "pipeline, one big manuscript")]
    before = tuple(round(x, 2) for x in summary["load_average_before"])
    after = tuple(round(x, 2) for x in summary["load_average_after"])
    if summary["results"].get("floor", {}).get("extra", {}).get("edited_only"):
        rows[3] = ("floor", "floor: WeasyPrint alone, the edited manuscript only")
    lines = [f"Benchmark: {summary['n']} manuscripts, {summary['cpus']} CPUs, {summary['when']}",
             (f"Formats of the pipeline's runs: {', '.join(summary.get('formats', []))}; "
             f"command: `{summary.get('command', '')}`"),
             f"Load average before {before}, after {after}",
             "", "| run | wall s | CPU s | peak MB (one process) | parent MB | rendered / reused |",
             "|---|---:|---:|---:|---:|---|"]
    for key, label in rows:
        m = summary["results"].get(key)
        if not m:
            continue
        extra = m["extra"]
        counts = (f"{extra['built']} / {extra['reused']}" if "built" in extra
                  else f"{extra.get('pdfs', '')} pdf, {extra.get('epubs', '')} epub"
                  if "pdfs" in extra else f"{extra.get('pages', '')} pages")
        if "built" in extra and extra.get("pages"):
            counts += f", {extra['pages']} pages"
        if m["failures"]:
            counts += f" ({m['failures']} failed)"
        if "identical_to_local" in extra:
            counts += ", bytes = local" if extra["identical_to_local"] else ", bytes DIFFER"
        parent = f"{m['parent_rss_mb']:.0f}" if m.get("parent_rss_mb") else "-"
        lines.append(f"| {label} | {m['wall']:.2f} | {m['cpu']:.1f} | {m['max_rss_mb']:.0f} | "
                     f"{parent} | {counts} |")
    lines += ["", "| target | value | met |", "|---|---:|---|"]
    ratios, met, t = summary["ratios"], summary["met"], summary["targets"]
    r = summary["results"]
    checks = [
        ("cold_vs_sequential", f"cold >= {t['cold_vs_sequential']}x faster than sequential",
         ratios.get("cold_vs_sequential")),
        ("cold_vs_parallel", f"cold >= {t['cold_vs_parallel']}x faster than parallel",
         ratios.get("cold_vs_parallel")),
        ("cold_vs_floor", f"cold within {t['cold_vs_floor']}x of the floor" + (
            f" (median of {summary['cold_vs_floor']['repeat']} cold builds / median of as "
            "many floors, measured in turn)" if "cold_vs_floor" in summary else ""),
         ratios.get("cold_vs_floor")),
        ("no_change_seconds", "no-change rebuild < 1 s", round(r["no_change"]["wall"], 2)),
        ("edit_one_over_floor_seconds", "one edited manuscript < its floor + 1 s"
         + (_edit_floor_words(r["floor"]["extra"]) if "floor" in r else ""),
         round(r["edit_one"]["wall"], 2)),
        ("worker_rss_mb", "worker peak < 400 MB", round(summary["worker_max_rss_mb"])),
        ("big_rss_mb", "300-page manuscript < 1.5 GB",
         round(r["big"]["max_rss_mb"]) if "big" in r else None),
        ("parent_rss_vs_baseline",
         (f"parent peak within {t['parent_rss_vs_baseline']}x of N="
         f"{summary.get('baseline', {}).get('n')} "
         f"({summary.get('baseline', {}).get('parent_rss_mb', 0):.0f} MB)"),
         ratios.get("parent_rss_vs_baseline")),
        ("dask_warm_vs_local_pool", (f"Dask warm cluster / local pool (mean of both) <= "
         f"{t['dask_warm_vs_local_pool']}x"), ratios.get("dask_warm_vs_local_pool")),
    ]
    for key, label, value in checks:
        if value is None or key not in met:
            continue
        shown = f"{value:.3f}" if isinstance(value, float) and key in ratios else value
        lines.append(f"| {label} | {shown} | {'yes' if met[key] else 'no'} |")
    if "dask_vs_local_pool" in ratios:
        lines.append(f"| Dask overhead, fresh cluster (Dask wall / local pool wall) | "
                     f"{ratios['dask_vs_local_pool']:.3f} | - |")
    if "dask_warm_cpu_vs_local_pool" in ratios:
        lines.append(f"| Dask warm cluster CPU / local pool CPU (every process counted) | "
                     f"{ratios['dask_warm_cpu_vs_local_pool']:.3f} | - |")
    if "cold_vs_floor" in summary:
        lines += cold_floor.markdown(summary["cold_vs_floor"])
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
