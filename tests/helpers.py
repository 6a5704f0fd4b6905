"""Readers for the files the pipeline writes: what a person would see in them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1760000000"  # 2025-10-09
# A valid 1x1 transparent PNG, for manuscripts that need an image file that is not damaged.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def epub_documents(path: Path) -> dict[str, etree._Element]:
    """The EPUB's XHTML documents, parsed, by name."""
    with zipfile.ZipFile(path) as z:
        return {n: etree.parse(io.BytesIO(z.read(n))).getroot()
                for n in z.namelist() if n.endswith(".xhtml")}


def epub_text(path: Path) -> str:
    docs = epub_documents(path)
    return "\n".join(" ".join(root.itertext()) for name, root in sorted(docs.items())
                     if not name.endswith("nav.xhtml"))


def epub_opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith(".opf"))
        return etree.fromstring(z.read(name))


def epub_elements(path: Path, tag: str) -> list[etree._Element]:
    """Every XHTML element ``tag`` of an EPUB, document by document in name order."""
    return [element for root in epub_documents(path).values()
            for element in root.iter(f"{{http://www.w3.org/1999/xhtml}}{tag}")]


def callout_boxes(divs) -> list[tuple[str, str, str]]:
    """Each callout box among ``divs``: (kind, label, text), as a reader sees them."""
    found = []
    for div in divs:
        classes = (div.get("class") or "").split()
        if "callout" not in classes:
            continue
        label = " ".join("".join(div[0].itertext()).split())
        text = " ".join(" ".join("".join(child.itertext()) for child in div[1:]).split())
        found.append((classes[1].removeprefix("callout-"), label, text))
    return found


class _EpubCheck:
    """EPUBCheck's resident JVM (``tests/epubcheck_jvm.py``), started at the first check."""

    def __init__(self) -> None:
        import threading

        self.proc = None
        self.lock = threading.Lock()

    def check(self, path: Path) -> dict:
        import atexit
        import json
        import subprocess
        import sys

        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = subprocess.Popen(
                    [sys.executable, str(ROOT / "tests" / "epubcheck_jvm.py")],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    text=True, encoding="utf-8")
                atexit.register(self.close)
            self.proc.stdin.write(f"{path}\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"EPUBCheck's JVM stopped while checking {path}")
        report = json.loads(line)
        if "error" in report:
            raise RuntimeError(report["error"])
        return report

    def close(self) -> None:
        import subprocess

        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_EPUBCHECK = _EpubCheck()


def epubcheck(paths: list[Path]) -> dict[Path, list[tuple[str, str, str]]]:
    """EPUBCheck's messages (severity, id, message) for each EPUB.

    The official checker from the ``epubcheck`` package, its own command line
    run in one JVM kept for the test session (a JVM's start and EPUBCheck's
    schemas cost some ten seconds of CPU; a check after the first, a fraction
    of one).
    """
    reports = {path: _EPUBCHECK.check(path) for path in paths}
    return {path: [(m["severity"], m["ID"], m["message"]) for m in report["messages"]]
            for path, report in reports.items()}


def build_in(folder: Path, names: list[str], **options: object) -> tuple[Path, list[str]]:
    """Build ``names`` from inside ``folder`` into ``folder/out`` with the fixed
    SOURCE_DATE_EPOCH and no cache, as a user in that folder would; fail on any error.

    Returns the output folder and every problem as printed (paths relative to ``folder``).
    """
    import pytest

    from pipeline.build import BuildOptions, build

    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    mp.chdir(folder)
    try:
        report = build([Path(name) for name in names],
                       BuildOptions(out=folder / "out", **{"jobs": 1, "use_cache": False,
                                                           **options}))
    finally:
        mp.undo()
    assert report.ok, [str(p) for p in report.problems]
    return folder / "out", [str(p) for p in report.problems]


def build_fixed(paths: list[Path], out: Path, **options: object) -> Path:
    """Build ``paths`` into ``out`` with the fixed SOURCE_DATE_EPOCH; fail on any error.

    Without the cache unless ``options`` give one (``cache_dir=...``, ``use_cache=True``).
    """
    import os

    from pipeline.build import BuildOptions, build

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        report = build(paths, BuildOptions(out=out, **{"use_cache": False, **options}))
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    return out


def interruptible() -> None:
    """``preexec_fn`` for builds that a test interrupts: Ctrl-C as in a terminal.

    A shell starts background jobs with SIGINT ignored, and Python then never
    raises KeyboardInterrupt; CI may run the suite that way.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


DESK_MD = """\
---
title: "A handout on the editor's desk"
version: 0.1.0
status: submitted
last_updated: 2025-09-01
audiences: [clinician, patient]
bibliography: [desk.bib]
---

## What it is

The first sentence cites a trial [@trial-2021] and a guideline [@guide-2024].

## What to do

Ask your care team.
"""

DESK_BIB = """\
@article{trial-2021, author = {Trial, Tess}, title = {A small trial}, journal = {J Desk},
  year = {2021}}
@misc{guide-2024, author = {{Guideline Group}}, title = {A guideline}, year = {2024},
  category = {Guideline}}
"""


def desk_project(folder: Path) -> Path:
    """A project folder with one small handout (manuscripts/desk.md) and its .bib."""
    (folder / "manuscripts").mkdir(parents=True)
    (folder / "manuscripts" / "desk.md").write_text(DESK_MD)
    (folder / "manuscripts" / "desk.bib").write_text(DESK_BIB)
    return folder


class Preview:
    """``python -m pipeline preview`` running in ``project`` until closed."""

    def __init__(self, project: Path, *args: str, env: dict[str, str] | None = None):
        import os
        import subprocess
        import sys

        self.project = project
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "preview", "--port", "0", *args],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT),
                 **(env or {})},
            preexec_fn=interruptible)  # noqa: PLW1509 - it only resets SIGINT
        line = self.proc.stdout.readline()
        assert line.startswith("serving http://"), (line, self.proc.stderr.read())
        self.url = line.split()[1]
        self.first_line = line

    def get(self, path: str) -> tuple[int, bytes]:
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def state(self) -> dict:
        import json

        return json.loads(self.get("/_preview/state")[1])

    def wait(self, until, timeout: float = 120) -> dict:
        """Poll the state until ``until(state)`` holds."""
        import time

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            state = self.state()
            if until(state):
                return state
            time.sleep(0.1)
        last = self.state()
        _code, said = self.interrupt()  # a failed fixture leaves no server running
        raise AssertionError(f"preview never reached the state wanted: {last}\n{said}")

    def idle(self, timeout: float = 120) -> dict:
        return self.wait(lambda s: s["handouts"] and not any(
            h["rendering"] for h in s["handouts"].values()), timeout)

    def interrupt(self) -> tuple[int, str]:
        import signal

        self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=30)
        finally:
            self.proc.kill()
        return code, self.proc.stderr.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.interrupt()


# A project's own numeric style, for tests of styles a project adds.
RIVERSIDE_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>Riverside Clinic</title>
    <id>riverside</id>
    <category citation-format="numeric"/>
    <updated>2025-01-01T00:00:00+00:00</updated>
  </info>
  <citation>
    <layout prefix="[" suffix="]"><text variable="citation-number"/></layout>
  </citation>
  <bibliography>
    <layout>
      <text variable="citation-number" suffix=". "/>
      <text value="Riverside list: "/>
      <text variable="title"/>
    </layout>
  </bibliography>
</style>
"""


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``python -m pipeline ARGV`` in this process: its exit status, stdout and stderr."""
    import io

    from pipeline import cli

    out, err = io.StringIO(), io.StringIO()
    status = cli.main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


KNEE_MANUSCRIPT = """---
title: "Knee pain"
version: 1.0.0
status: draft
last_updated: 2025-09-18
bibliography: [refs.bib]
---

Rest helps [@doe-2020].
"""


def knee_project(folder: Path, monkeypatch: object, manuscript: str, bib: str) -> Path:
    """``folder`` entered as a project (``manuscripts/knee.md``, ``bibliography/refs.bib``),
    with a fixed SOURCE_DATE_EPOCH and a render cache of its own."""
    monkeypatch.chdir(folder)  # type: ignore[attr-defined]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # type: ignore[attr-defined]
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(folder / "cache"))  # type: ignore[attr-defined]
    (folder / "manuscripts").mkdir()
    (folder / "bibliography").mkdir()
    (folder / "manuscripts" / "knee.md").write_text(manuscript, encoding="utf-8")
    (folder / "bibliography" / "refs.bib").write_text(bib, encoding="utf-8")
    return folder


def draft(body: str, body_line: int = 1, path: Path = Path("m.md"), title: str = "T"):
    """A draft manuscript of ``body`` held in memory (its body at ``body_line``), for the
    passes that read a body without a file."""
    import datetime as dt

    from pipeline.model import Manuscript

    return Manuscript(path=path, body=body, body_line=body_line, title=title, version="1.0.0",
                      status="draft", last_updated=dt.date(2025, 1, 1), slug=path.stem)
