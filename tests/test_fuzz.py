"""Robustness: mutated front matter, BibTeX and Markdown never give a traceback or a hang.

Valid sources are truncated, sprinkled with random bytes and characters,
re-encoded (Latin-1, UTF-16), blown up or emptied.  Whatever comes out,
``check`` (and, for a few examples, a full build) ends with either success
or errors located in the files the manuscript is made of.  A SIGALRM guard
turns a hang into a failure.
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from helpers import PNG_1PX
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.build import BuildOptions, BuildReport, build, check
from pipeline.controls import FORBIDDEN
from pipeline.errors import display_path
from pipeline.manuscript import MAX_MANUSCRIPT

FRONT = """---
title: "Platelet-rich plasma for back pain"
version: 1.2.0
status: approved
last_updated: 2025-09-18
next_review: 2099-09-18
reviewers: [{name: Dr. A, role: Clinical reviewer, date: 2025-09-17}]
audiences: [clinician, patient]
bibliography: [refs.bib]
changes:
  - {version: 1.2.0, date: 2025-09-18, summary: First edition.}
---
"""

BODY = """## What it is

Platelet-rich plasma is made from your own blood [@smith2020; @jones2019, p. 4].
@smith2020 found it helps.[^1]

::: {audience="patient"}
Only in the patient edition.
:::

| Site | Effect |
|------|--------|
| Disc | Less pain |

![A syringe of plasma](syringe.png)

[^1]: A footnote.
"""

BIB = """@string{pm = "Pain Medicine"}

@article{smith2020,
  title = {Platelet-rich plasma for discogenic pain},
  author = {Smith, Jane and M{\\"u}ller, Hans},
  journal = pm,
  year = {2020},
  category = {Research},
}

@misc{jones2019,
  title = "Guideline on {PRP}",
  author = {{Pain Society}},
  year = 2019,
  url = {https://example.org/guideline},
}
"""

PNG = PNG_1PX

NASTY = st.sampled_from(["---", "\n---\n", ":", ": ", "{", "}", "[", "]", "@", "@article{",
                         "\t", "\x00", "\r", "\r\n", "\ufeff", "\u00e9", "\u2028", "\"", "'",
                         "&", "*", "!", "- ", "? ", "|", "#", "%", "\\", "[@", "::: {", "$",
                         "<img src=x>", "{{ 7*7 }}", "\U0001f489", "\udcff"])


MUTATIONS = ("truncate", "bytes", "text", "replace", "delete-line", "duplicate-line", "huge",
             "latin-1", "utf-16", "empty")


@st.composite
def mutated(draw: st.DrawFn, original: str, kinds: tuple[str, ...] = MUTATIONS) -> bytes:
    """``original`` (UTF-8) after one or two random mutations."""
    data = original.encode("utf-8")
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(kinds))
        if kind == "truncate":
            data = data[:at]
        elif kind == "bytes":
            data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
        elif kind == "text":
            piece = draw(st.one_of(NASTY, st.text(max_size=12)))
            data = data[:at] + piece.encode("utf-8", "surrogatepass") + data[at:]
        elif kind == "replace":
            end = draw(st.integers(at, min(len(data), at + 40)))
            data = data[:at] + draw(st.text(max_size=20)).encode("utf-8", "surrogatepass") \
                + data[end:]
        elif kind in ("delete-line", "duplicate-line"):
            lines = data.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i:i + 1] = [] if kind == "delete-line" else [lines[i], lines[i]]
            data = b"\n".join(lines)
        elif kind == "huge":
            size = draw(st.sampled_from([20_000, 600_000]))  # below and above the limits
            filler = draw(st.sampled_from([b"x", b"word ", b"{", b"\n", b"- a\n"]))
            data = data[:at] + filler * (size // len(filler)) + data[at:]
        elif kind == "latin-1":
            text = data.decode("utf-8", "replace") + "\nCaf\u00e9 \u00bd\n"
            data = text.encode("latin-1", "replace")
        elif kind == "utf-16":
            data = data.decode("utf-8", "replace").encode("utf-16")
        else:
            data = b""
    return data


@contextlib.contextmanager
def no_hang(seconds: int = 60) -> Iterator[None]:
    def hung(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"no answer within {seconds}s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def sources(folder: Path, front: bytes, body: bytes, bib: bytes) -> Path:
    (folder / "syringe.png").write_bytes(PNG)
    (folder / "refs.bib").write_bytes(bib)
    path = folder / "prp.md"
    path.write_bytes(front + body)
    return path


def assert_located(report: BuildReport, folder: Path, front_is_valid: bool = True) -> None:
    """Success, or errors each in one of the manuscript's files at a line it has.

    A file that is not UTF-8 is named (the manuscript as an error, the
    bibliography with the encoding it is read in); the bibliography only when
    the manuscript could be read far enough to know it.
    """
    assert report.internal_errors == []
    files = {display_path(p): p for p in folder.iterdir() if p.is_file()}
    for problem in report.problems:
        assert problem.path in files, str(problem)
        assert problem.message.strip(), str(problem)
        if problem.line is not None:
            data = files[problem.path].read_bytes()  # a lone CR ends a line, as in old Mac files
            lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1
            assert 1 <= problem.line <= lines, str(problem)
    errors = [p for p in report.problems if p.is_error]
    assert bool(errors) == bool(report.failed), [str(p) for p in report.problems]
    manuscript = folder / "prp.md"
    decoded = manuscript.stat().st_size <= MAX_MANUSCRIPT  # a larger one is refused unread
    # a NUL, a control character or a noncharacter: refused before its front matter
    read = decoded and front_is_valid and _is_utf8(manuscript) \
        and not FORBIDDEN.search(manuscript.read_bytes().decode("utf-8"))
    # A manuscript that is not UTF-8 is an error; a .bib is read in the encoding it seems
    # to have (Windows-1252 at worst), with a warning that names it.
    for path, named, pool in ((manuscript, decoded, errors),
                              (folder / "refs.bib", read, report.problems)):
        if named and not _is_utf8(path):
            assert any(p.path == display_path(path) and ("not valid UTF-8" in p.message
                                                          or "not UTF-8" in p.message
                                                          or "read as" in p.message)
                       for p in pool), [str(p) for p in report.problems]


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


FUZZ = settings(max_examples=45, deadline=timedelta(seconds=15),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(front=mutated(FRONT))
def test_mutated_front_matter(front):
    with tempfile.TemporaryDirectory() as tmp, no_hang():
        folder = Path(tmp)
        path = sources(folder, front, BODY.encode(), BIB.encode())
        assert_located(check([path], BuildOptions(bibliography_dir=folder)), folder,
                       front_is_valid=False)


@FUZZ
@given(bib=mutated(BIB))
def test_mutated_bibtex(bib):
    with tempfile.TemporaryDirectory() as tmp, no_hang():
        folder = Path(tmp)
        path = sources(folder, FRONT.encode(), BODY.encode(), bib)
        assert_located(check([path], BuildOptions(bibliography_dir=folder)), folder)


@FUZZ
@given(body=mutated(BODY))
def test_mutated_markdown(body):
    with tempfile.TemporaryDirectory() as tmp, no_hang():
        folder = Path(tmp)
        path = sources(folder, FRONT.encode(), body, BIB.encode())
        assert_located(check([path], BuildOptions(bibliography_dir=folder)), folder)


SMALL = tuple(kind for kind in MUTATIONS if kind != "huge")  # a huge body renders for minutes


def test_input_pandoc_chokes_on_is_a_located_error_not_a_hang(monkeypatch):
    monkeypatch.setattr("pipeline.pandoc.TIMEOUT", 1)
    with tempfile.TemporaryDirectory() as tmp, no_hang(30):
        folder = Path(tmp)
        body = "Text.\n\n" + "[" * 20000 + "\n"
        path = sources(folder, FRONT.replace("clinician, patient", "clinician").encode(),
                       body.encode(), BIB.encode())
        report = check([path], BuildOptions(bibliography_dir=folder))
        line = next(p.line for p in report.problems)
        assert [str(p) for p in report.problems] == [  # refused before pandoc is asked
            (f"{display_path(path)}:{line}: more than 8 '[' open inside each other: pandoc's "
             "Markdown reader takes seconds to minutes on them; write a bracket that is text "
             "as \\[")]
        monkeypatch.setattr("pipeline.body.bracket_line", lambda body: None)
        report = check([path], BuildOptions(bibliography_dir=folder))  # pandoc's own limit
    assert [str(p) for p in report.problems] == [
        (f"{display_path(path)}:{line - 2}: the Markdown body cannot be read: pandoc did not "
         "finish within 1 s: look for text repeated thousands of times (tags, brackets or "
         "quotes never closed), or split the handout")]  # at the body's first line


@settings(max_examples=4, deadline=timedelta(seconds=60), report_multiple_bugs=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=mutated(BODY, SMALL), bib=mutated(BIB, SMALL))
# a control character refuses the manuscript before its Windows-1252 .bib is read
@example(body=b"\x01" + BODY.encode(), bib=BIB.encode() + b"\nCaf\xe9 \xbd\n")
def test_mutated_sources_build_or_fail_at_a_location(body, bib):
    with tempfile.TemporaryDirectory() as tmp, no_hang(120):
        folder = Path(tmp)
        path = sources(folder, FRONT.encode(), body, bib)
        out = folder / "dist"
        report = build([path], BuildOptions(out=out, formats=("pdf",), use_cache=False, jobs=1,
                                            bibliography_dir=folder))
        assert_located(report, folder)
        built = sorted(p.name for p in out.iterdir())
        if report.ok:
            assert built == ["manifest.json", "prp.clinician.pdf", "prp.patient.pdf"]
            for name in built[1:]:
                assert (out / name).read_bytes().rstrip().endswith(b"%%EOF")
        else:
            assert built == ["manifest.json"]
