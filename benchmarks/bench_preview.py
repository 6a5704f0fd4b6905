"""Benchmark the preview: how soon a save shows in the browser, as HTML and as PDF.

    python benchmarks/bench_preview.py              # 5 edits of the example handout
    python benchmarks/bench_preview.py --edits 10   # more samples
    invoke bench-preview                            # the same through invoke

A copy of the examples is served by ``python -m pipeline preview``; once its
first renders are done, one sentence of ``prp-spine-pain.md`` is changed,
``--edits`` times, and two clocks run from the save:

- HTML: until the page open in headless Chromium (Debian's, through
  chromedriver) shows the new sentence, having reloaded itself;
  without Chromium, until the served page holds it;
- PDF: until ``/prp-spine-pain.patient.pdf`` is served with new bytes.

Each save starts from a quiet preview (every render of the save before done).

The targets: the page within 0.5 s; the PDF within WeasyPrint's own time for
that PDF (measured here, warm, in one process) plus 0.5 s.  Results go to
``benchmarks/results/preview-<time>.json`` and ``.md`` with the load average:
other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SLUG, AUDIENCE = "prp-spine-pain", "patient"
SENTENCE = "PRP is often not covered by insurance"


def weasyprint_seconds(project: Path, runs: int = 3) -> float:
    """WeasyPrint's time for the patient PDF, warm: layout and writing, median of runs."""
    sys.path.insert(0, str(ROOT))
    from pipeline.build import inputs_of
    from pipeline.formats.pdf import PdfFormat
    from pipeline.manuscript import load_manuscript
    from pipeline.model import RenderOptions
    from pipeline.prepare import prepare
    from pipeline.stamp import GitHistory, make_stamp

    styles = ROOT / "styles"
    m, _ = load_manuscript(project / "manuscripts" / f"{SLUG}.md", project / "bibliography")
    stamp = make_stamp(m, inputs_of(m, styles), GitHistory())
    docs, _problems = prepare(m, stamp, styles, (AUDIENCE,))
    times = []
    for _ in range(runs + 1):  # the first run loads WeasyPrint and the fonts
        started = time.perf_counter()
        PdfFormat().render(docs[0], RenderOptions(), styles)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def idle(url: str, timeout: float = 300) -> None:
    """Wait until the preview has rendered everything it was given."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        state = json.loads(get(url + "_preview/state"))
        if state["handouts"] and not any(h["rendering"] for h in state["handouts"].values()):
            return
        time.sleep(0.2)
    raise SystemExit("the preview did not finish rendering in time")


def browser():
    """Headless Debian Chromium through chromedriver, or None when not installed."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='bench-chromium-')}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")),
                            options=options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5, help="saves to time (default 5)")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp:
        project = Path(tmp)
        for folder in ("manuscripts", "bibliography"):
            shutil.copytree(ROOT / folder, project / folder)
        weasy = weasyprint_seconds(project)
        server = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "preview", "--port", "0"], cwd=project,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        driver = None
        try:
            url = server.stdout.readline().split()[1]
            idle(url)
            driver = browser()
            page = f"{url}{SLUG}.{AUDIENCE}.html"
            if driver:
                driver.get(page)
            manuscript = project / "manuscripts" / f"{SLUG}.md"
            html_times, pdf_times = [], []
            for n in range(args.edits):
                before = hashlib.sha256(get(f"{url}{SLUG}.{AUDIENCE}.pdf")).digest()
                marker = f"{SENTENCE} (edit {n + 1})"
                text = manuscript.read_text()
                current = SENTENCE if n == 0 else f"{SENTENCE} (edit {n})"
                started = time.perf_counter()
                manuscript.write_text(text.replace(current, marker, 1))
                html_at = pdf_at = None
                while time.perf_counter() - started < 60 and (html_at is None or pdf_at is None):
                    if html_at is None:
                        shown = driver.execute_script("return document.body.innerText") \
                            if driver else get(page).decode()
                        if marker in shown:
                            html_at = time.perf_counter() - started
                    if pdf_at is None and \
                            hashlib.sha256(get(f"{url}{SLUG}.{AUDIENCE}.pdf")).digest() != before:
                        pdf_at = time.perf_counter() - started
                    time.sleep(0.01)
                html_times.append(html_at)
                pdf_times.append(pdf_at)
                idle(url)  # the other edition's PDF too: each save starts from a quiet desk
        finally:
            if driver:
                driver.quit()
            server.terminate()
            server.wait(timeout=30)
    summary = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpus": os.cpu_count(), "load_before": load_before, "load_after": os.getloadavg(),
        "measured_in": "headless Chromium" if driver else "HTTP (no Chromium)",
        "edits": args.edits, "html_seconds": html_times, "pdf_seconds": pdf_times,
        "weasyprint_seconds": round(weasy, 3),
        "html_median": round(statistics.median(html_times), 3),
        "pdf_median": round(statistics.median(pdf_times), 3),
        "html_target": 0.5, "pdf_target": round(weasy + 0.5, 3),
    }
    summary["html_met"] = summary["html_median"] <= 0.5
    summary["pdf_met"] = summary["pdf_median"] <= summary["pdf_target"]
    table = (f"| measure | median | max | target | met |\n|---|---|---|---|---|\n"
             f"| page shows the save ({summary['measured_in']}) | {summary['html_median']:.3f} s"
             f" | {max(html_times):.3f} s | 0.5 s | {'yes' if summary['html_met'] else 'no'} |\n"
             f"| PDF served with the save | {summary['pdf_median']:.3f} s | {max(pdf_times):.3f} s"
             f" | {summary['pdf_target']:.3f} s (WeasyPrint {weasy:.3f} s + 0.5 s) | "
             f"{'yes' if summary['pdf_met'] else 'no'} |\n\n"
             f"{args.edits} saves; load average {load_before[0]:.1f} before, "
             f"{summary['load_after'][0]:.1f} after, on {os.cpu_count()} CPUs.\n")
    print(table)
    args.results.mkdir(parents=True, exist_ok=True)
    stem = args.results / f"preview-{summary['when'].replace('-', '').replace(':', '')}"
    stem.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n")
    stem.with_suffix(".md").write_text("# Preview latency\n\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
