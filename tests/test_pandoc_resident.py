"""The resident pandoc (``pandoc lua``) writes exactly what the command line writes."""

from __future__ import annotations

import json

import pytest
from helpers import ROOT

from pipeline import pandoc
from pipeline.pandoc import PandocFailure, ast_to, markdown_to_ast, run_pandoc

VARIED = ROOT / "tests" / "fixtures" / "varied" / "varied.md"


@pytest.fixture(scope="module")
def big_ast() -> dict:
    """The varied fixture, repeated past the size under which results are remembered."""
    ast = markdown_to_ast(VARIED.read_text(encoding="utf-8"))
    ast["blocks"] = ast["blocks"] * (pandoc.SMALL_INPUT // len(json.dumps(ast)) + 2)
    return ast


@pytest.mark.parametrize(("fmt", "extra"), [("html5", ["--section-divs"]), ("html5", []),
                                            ("markdown", []), ("plain", [])])
def test_same_text_as_the_command_line(big_ast, fmt, extra):
    expected = run_pandoc(["--from", "json", "--to", fmt, "--wrap=none", *extra],
                          json.dumps(big_ast)).decode()
    assert ast_to(big_ast, fmt, extra) == expected
    assert pandoc._resident().proc is not None  # it was the resident that answered


def test_a_resident_that_died_is_replaced(big_ast):
    first = ast_to(big_ast, "plain")
    pandoc._resident().proc.kill()
    assert ast_to(big_ast, "plain") == first  # the command line, this once
    assert ast_to(big_ast, "plain") == first  # and a new resident after
    assert pandoc._resident().proc.poll() is None


def test_a_writer_error_is_a_pandoc_failure(big_ast):
    with pytest.raises(PandocFailure, match="^Unknown output format nosuchwriter$"):
        ast_to(big_ast, "nosuchwriter")


def _convert_in_worker(text: str) -> tuple[float, float]:
    """In a pool worker: convert, then this process's CPU and its resident pandoc's."""
    import time

    import psutil

    for _ in range(20):
        markdown_to_ast(text)
    resident = psutil.Process(pandoc._resident().proc.pid).cpu_times()
    return time.process_time(), resident.user + resident.system


def test_a_workers_resident_pandoc_is_waited_for_so_its_cpu_counts():
    import concurrent.futures as cf
    import multiprocessing
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(1, mp_context=context) as pool:
        own, resident = pool.submit(_convert_in_worker, "A *word* here. " * 20_000).result()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    counted = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert resident > 0.1
    # the worker's CPU and its pandoc's both reach whoever waits for the worker
    assert counted >= own + 0.9 * resident


def test_bibtex_converted_by_the_resident_as_by_the_command_line():
    """The same items, and for an entry pandoc refuses the same message to locate it by."""
    bib = (ROOT / "bibliography" / "regenerative-medicine.bib").read_text(encoding="utf-8")
    args = ["--from", "biblatex", "--to", "csljson"]
    assert json.loads(pandoc.convert_text("biblatex", "csljson", bib)) == \
        json.loads(run_pandoc(args, bib))
    assert pandoc._resident().proc is not None
    broken = "@article{a, title = {A}}\n@article{b,\n  title == {B}}\n"
    with pytest.raises(PandocFailure) as cli:
        run_pandoc(args, broken)
    with pytest.raises(PandocFailure) as resident:
        pandoc.convert_text("biblatex", "csljson", broken)
    assert str(resident.value) == str(cli.value)
    assert str(cli.value).startswith("Error at (line 3, column 10):")


def test_started_early_in_a_thread_one_resident_serves():
    pandoc._RESIDENT.clear()
    thread = pandoc.start_early()
    first = pandoc._resident()
    thread.join()
    assert pandoc._resident() is first and first.proc.poll() is None
    assert pandoc.reader_options()["abbreviations"]


BOOK = """---
title: "Children's *dosing* -- a \\"guide\\" for O'Brien & co."
subtitle: "What 'p. 33' means..."
version: 2.1.0
status: draft
last_updated: 2025-06-01
authors:
  - {name: "Ana O'Brien", role: Writer}
  - {name: "*Team* -- ‘B’", role: Writer}
audiences: [clinician, patient]
lang: es
keywords: ["dose *per* kg", "Children's"]
---

## Dosis

La dosis es $d = 15\\,\\mathrm{mg/kg}$ y

$$A = \\pi r^2 \\tag{1}$$

![Un gráfico de barras](chart.png)

::: {audience=patient}
Solo para pacientes.
:::

## Más

Texto[^1] con `código` y una [liga](https://example.org).

[^1]: Una nota.
"""


@pytest.fixture(scope="module")
def book_documents(tmp_path_factory: pytest.TempPathFactory):
    """A Spanish handout in two editions with formulas, an image, a note and a title that
    pandoc's Markdown reads (quotes, emphasis, dashes) in its metadata."""
    from PIL import Image

    from pipeline.build import STYLES
    from pipeline.manuscript import load_manuscript
    from pipeline.prepare import prepare
    from pipeline.stamp import GitHistory, make_stamp

    folder = tmp_path_factory.mktemp("book")
    Image.new("RGB", (40, 20), (200, 30, 30)).save(folder / "chart.png")
    (folder / "book.md").write_text(BOOK, encoding="utf-8")
    manuscript, _ = load_manuscript(folder / "book.md", folder)
    stamp = make_stamp(manuscript, [folder / "book.md"], GitHistory())
    documents, problems = prepare(manuscript, stamp, STYLES)
    assert not problems.errors, problems.errors
    return documents, STYLES


def test_the_resident_writes_the_command_lines_epub(book_documents, monkeypatch):
    from pipeline.formats import epub
    from pipeline.model import RenderOptions

    documents, styles = book_documents
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    command_line: list[list[str]] = []
    run = epub.run_pandoc
    monkeypatch.setattr(epub, "run_pandoc",
                        lambda args, *a, **k: command_line.append(args) or run(args, *a, **k))
    by_resident = [epub.EpubFormat().render(doc, RenderOptions(), styles) for doc in documents]
    assert command_line == []  # the resident wrote them
    monkeypatch.setattr(epub, "write_book", lambda *args, **kwargs: None)  # as when it cannot
    by_command = [epub.EpubFormat().render(doc, RenderOptions(), styles) for doc in documents]
    assert len(command_line) == 2
    assert by_resident == by_command
    opf = epub_opf_of(by_resident[1])
    dc = "{http://purl.org/dc/elements/1.1/}"
    # the metadata read as Markdown, as the command line's --metadata-file reads it
    assert [c.text for c in opf.iter(f"{dc}creator")] == ["Ana O’Brien", "Team – ‘B’"]


def _books(documents, styles, monkeypatch) -> tuple[list[bytes], list[bool]]:
    """The EPUB of each edition, and whether each book pandoc was asked for had its template."""
    from pipeline.formats import epub
    from pipeline.model import RenderOptions

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    asked: list[bool] = []
    write = epub.write_book
    monkeypatch.setattr(epub, "write_book", lambda *args, template=True: asked.append(template)
                        or write(*args, template=template))
    return [epub.EpubFormat().render(doc, RenderOptions(), styles) for doc in documents], asked


def test_pages_framed_here_are_the_pages_of_pandocs_template(book_documents, monkeypatch):
    from pipeline.formats import epub

    documents, styles = book_documents
    framed, asked = _books(documents, styles, monkeypatch)
    assert asked == [False, False]  # each book written once, its pages without the template
    monkeypatch.setattr(epub, "needs_template", lambda written: True)
    templated, asked = _books(documents, styles, monkeypatch)
    assert asked == [True, True]
    assert framed == templated


def test_a_page_with_spaces_pandocs_layout_merges_is_written_with_the_template(
        tmp_path, monkeypatch):
    """A TeX command left out mid-sentence leaves two spaces, which the template's layout
    writes as one."""
    from pipeline.build import STYLES
    from pipeline.formats import epub
    from pipeline.manuscript import load_manuscript
    from pipeline.prepare import prepare
    from pipeline.stamp import GitHistory, make_stamp

    (tmp_path / "spaced.md").write_text(
        "---\ntitle: Spaced\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-06-01\n---\n\n"
        "# One\n\nThe command \\label{x} is left out.\n", encoding="utf-8")
    manuscript, _ = load_manuscript(tmp_path / "spaced.md", tmp_path)
    stamp = make_stamp(manuscript, [tmp_path / "spaced.md"], GitHistory())
    documents, _ = prepare(manuscript, stamp, STYLES)
    (book,), asked = _books(documents, STYLES, monkeypatch)
    assert asked == [True]  # seen in the book's JSON
    assert b"<p>The command is left out.</p>" in _pages(book)
    monkeypatch.setattr(epub, "needs_template", lambda written: False)
    framed, asked = _books(documents, STYLES, monkeypatch)
    assert asked == [False, True]  # else seen in the page: framed here, refused, written again
    assert framed == [book]


def _pages(data: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return b"".join(book.read(n) for n in book.namelist() if n.endswith(".xhtml"))


def epub_opf_of(data: bytes):
    import io
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return etree.fromstring(book.read("EPUB/content.opf"))


def test_a_process_forked_while_a_thread_starts_the_resident_can_start_its_own():
    import os

    with pandoc._STARTING:  # as the thread of start_early holds it for a moment
        pid = os.fork()
        if pid == 0:  # the child: its own lock, free
            os._exit(0 if pandoc._STARTING.acquire(timeout=5) else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def _counted(monkeypatch) -> list[str]:
    """Every Markdown text the resident is asked to read, in order."""
    asked: list[str] = []
    convert = pandoc.Resident.convert

    def counting(self, source, target, options, data, reader=None, book=None):
        if target == "json":
            asked.append(data.decode("utf-8"))
        return convert(self, source, target, options, data, reader, book)

    monkeypatch.setattr(pandoc.Resident, "convert", counting)
    return asked


def test_a_body_parsed_ahead_is_read_once_and_gives_the_same_tree(monkeypatch):
    text = VARIED.read_text(encoding="utf-8") + "\nOne more line, read ahead.\n"
    expected = json.loads(run_pandoc(["--from", pandoc.READER, "--to", "json"], text))
    asked = _counted(monkeypatch)
    pandoc.parse_ahead(text)
    tree = markdown_to_ast(text)
    assert len(asked) == 1
    assert tree["blocks"] == expected["blocks"]
    assert markdown_to_ast(text) == tree and len(asked) == 1  # remembered, as any parse


def test_a_parse_ahead_that_failed_is_asked_again_by_the_call_that_needs_it(monkeypatch):
    text = "A *body* whose first reading fails.\n"
    asked = _counted(monkeypatch)
    parsed = pandoc._parsed.__wrapped__
    failures = iter([PandocFailure("pandoc went away")])

    def failing_once(text: str) -> bytes:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return parsed(text)

    monkeypatch.setattr(pandoc, "_parsed", failing_once)
    pandoc.parse_ahead(text)
    tree = markdown_to_ast(text)
    assert [b["t"] for b in tree["blocks"]] == ["Para"]
    assert asked == [text]  # the failed attempt never reached pandoc; the second did


def test_texts_parsed_ahead_and_never_asked_for_are_not_kept_without_bound():
    for n in range(pandoc.AHEAD_KEPT + 3):
        pandoc.parse_ahead(f"Unasked text {n}.\n")
    assert len(pandoc._AHEAD) <= pandoc.AHEAD_KEPT
    assert f"Unasked text {pandoc.AHEAD_KEPT + 2}.\n" in pandoc._AHEAD
