"""Keep going: one bad manuscript never stops the others, and the exit status says so.

The command line is driven through ``cli.main(argv, stdout, stderr)``; the
outputs are opened as a reader would open them.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ROOT, pdf_pages
from helpers import run_cli as run

from pipeline.discover import discover

GOOD = """---
title: "{title}"
version: 1.0.0
status: draft
last_updated: 2025-09-18
---
{body}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problem_lines(stderr: str) -> list[str]:
    """The ``path:line: message`` lines of a run, without progress output."""
    return [line for line in stderr.splitlines()
            if line.startswith(("good", "bad", "m.md", "broken", "a.md", "b.md"))]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    return tmp_path


def test_mixed_folder_builds_every_good_manuscript_and_reports_every_bad_one(work):
    docs = work / "docs"
    docs.mkdir()
    write(docs, "good-one.md", GOOD.format(title="First good handout", body="First body."))
    write(docs, "good-two.md", GOOD.format(title="Second good handout", body="Second body."))
    write(docs, "bad-front.md", GOOD.format(title="x", body="x").replace("1.0.0", "one"))
    write(docs, "bad-body.md", GOOD.format(title="Bad body", body="Cites [@nobody].\n\n![](x.png)"))
    status, _out, err = run("build", "docs", "--out", "dist", "--format", "pdf", "--jobs", "1")
    assert status == 1
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("docs/")] == [
        "docs/bad-front.md:3: 'version' must be a semantic version such as 1.2.0, found 'one'",
        ("docs/bad-body.md:7: citation '@nobody' has no entry in the bibliography; the front "
        "matter names no 'bibliography'"),
        "docs/bad-body.md:9: image 'x.png' has no alt text: write ![what the image shows](x.png)",
        "docs/bad-body.md:9: image 'x.png' not found",
    ]
    dist = work / "dist"
    assert sorted(p.name for p in dist.iterdir()) == [
        "good-one.clinician.pdf", "good-two.clinician.pdf", "manifest.json"]
    assert "First body." in pdf_pages(dist / "good-one.clinician.pdf")[0]
    assert "Second body." in pdf_pages(dist / "good-two.clinician.pdf")[0]
    manifest = json.loads((dist / "manifest.json").read_text())
    assert [a["path"] for a in manifest["artifacts"]] == [
        "good-one.clinician.pdf", "good-two.clinician.pdf"]
    for artifact in manifest["artifacts"]:
        data = (dist / artifact["path"]).read_bytes()
        assert artifact["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["errors"] == [  # by file, line and text, whatever order they came in
        {"source": "docs/bad-body.md", "line": 7,
         "message": "citation '@nobody' has no entry in the bibliography; the front matter "
                    "names no 'bibliography'"},
        {"source": "docs/bad-body.md", "line": 9,
         "message": "image 'x.png' has no alt text: write ![what the image shows](x.png)"},
        {"source": "docs/bad-body.md", "line": 9, "message": "image 'x.png' not found"},
        {"source": "docs/bad-front.md", "line": 3,
         "message": "'version' must be a semantic version such as 1.2.0, found 'one'"},
    ]


def test_unexpected_failure_keeps_its_traceback_and_the_others_build(work, monkeypatch):
    from pipeline.formats import pdf

    original = pdf.PdfFormat.render

    def render(self, doc, options, styles):
        if doc.manuscript.slug == "boom":
            raise RuntimeError("a bug in rendering")
        return original(self, doc, options, styles)

    monkeypatch.setattr(pdf.PdfFormat, "render", render)
    write(work, "boom.md", GOOD.format(title="Boom", body="Text."))
    write(work, "fine.md", GOOD.format(title="Fine", body="Text."))
    status, _out, err = run("build", "boom.md", "fine.md", "--out", "dist", "--format", "pdf",
                            "--jobs", "1", "--no-cache")
    assert status == 1
    assert "boom.md: internal error while building:\nTraceback (most recent call last):" in err
    assert "RuntimeError: a bug in rendering" in err
    assert sorted(p.name for p in (work / "dist").iterdir()) == ["fine.clinician.pdf",
                                                                  "manifest.json"]


def test_an_unexpected_failure_in_check_keeps_its_traceback_and_the_others_are_checked(
        work, monkeypatch):
    from pipeline import prepare

    original = prepare.prepare

    def failing(m, *args, **kwargs):
        if m.slug == "boom":
            raise RuntimeError("a bug in checking")
        return original(m, *args, **kwargs)

    monkeypatch.setattr(prepare, "prepare", failing)
    write(work, "boom.md", GOOD.format(title="Boom", body="Text."))
    write(work, "later.md", GOOD.format(title="Later", body="![](x.png)"))
    status, _out, err = run("check", "boom.md", "later.md")
    assert status == 1
    assert "boom.md: internal error while checking:\nTraceback (most recent call last):" in err
    assert "RuntimeError: a bug in checking" in err
    assert "later.md:7: image 'x.png' has no alt text" in err

@pytest.mark.parametrize(("argv", "message"), [
    (["build", "--bogus"], "python -m pipeline build: error: unrecognized arguments: --bogus"),
    (["check", "missing-folder"], "error: missing-folder: no such file or folder"),
    (["build", "m.md", "--format", "docx"], "error: unknown format 'docx'; known: epub, pdf, html"),
    (["build", "m.md", "--jobs", "0"], "error: --jobs must be at least 1"),
    (["build", "m.md", "--out", "m.md"], "error: --out m.md: is a file, not a folder"),
    (["build", "m.md", "--out", ""], ("python -m pipeline build: error: argument --out/-o: an "
                                      "empty path (an unset variable?): give a file or folder")),
    (["check", ""], ("python -m pipeline check: error: argument PATH: an empty path (an unset "
                     "variable?): give a file or folder")),
    (["build", "m.md", "--out", "m.md/dist"],
     "error: --out m.md/dist: cannot create the folder: Not a directory"),
    (["publish"], ("python -m pipeline: error: argument command: invalid choice: 'publish' "
                  "(choose from 'build', 'check', 'release', 'preview', 'status', "
                  "'merge-manifests', 'cache')")),
])
def test_usage_errors_exit_with_status_2(work, argv, message):
    write(work, "m.md", GOOD.format(title="T", body="x"))
    status, _out, err = run(*argv)
    assert status == 2
    assert err.splitlines()[-1] == message
    assert not (work / "dist").exists()


def test_an_output_folder_that_cannot_be_written_is_found_before_rendering(work, monkeypatch):
    write(work, "m.md", GOOD.format(title="T", body="x"))
    real = Path.write_bytes

    def refuse(self, data):
        if self.name.startswith(".probe-"):
            raise PermissionError(13, "Permission denied")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", refuse)
    from pipeline.formats import pdf

    monkeypatch.setattr(pdf.PdfFormat, "render", lambda *a: pytest.fail("rendered"))
    status, _out, err = run("build", "m.md", "--out", "dist", "--format", "pdf", "--no-cache")
    assert (status, err) == (2, "error: --out dist: cannot write in the folder: Permission denied\n")


def test_a_folder_named_like_a_manuscript_is_not_one_and_an_empty_folder_is_an_error(work):
    (work / "manuscripts" / "figures.md").mkdir(parents=True)
    (work / "empty").mkdir()
    status, _out, err = run("check")
    assert (status, err) == (
        2, "error: manuscripts: no manuscripts (.md or .markdown files) in this folder\n")
    write(work, "manuscripts/m.md", GOOD.format(title="T", body="Fine."))
    status, out, err = run("check")
    assert (status, out) == (0, "") and err.splitlines()[-1].startswith("checked 1 manuscript(s) in ")
    status, _out, err = run("check", "empty")
    assert (status, err) == (
        2, "error: empty: no manuscripts (.md or .markdown files) in this folder\n")


def test_markdown_files_of_every_usual_name_are_manuscripts(work):
    (work / "manuscripts" / "es").mkdir(parents=True)
    for name in ("a.md", "B.MD", "c.markdown", "D.Markdown", "es/e.Md"):
        slug = Path(name).stem.lower()
        write(work, f"manuscripts/{name}",
              GOOD.format(title=slug, body="Fine.").replace("status:", f"slug: {slug}\nstatus:"))
    for name in ("README.md", "readme.markdown", "ReadMe.MD", ".hidden.md", "notes.txt",
                 "draft.md.bak", "x.mdown"):
        write(work, f"manuscripts/{name}", "not a manuscript")
    status, out, err = run("check")
    assert (status, out) == (0, "")
    assert err.splitlines()[-1].startswith("checked 5 manuscript(s) in ")
    assert [p.name for p in discover([Path("manuscripts")])] == [
        "B.MD", "D.Markdown", "a.md", "c.markdown", "e.Md"]


def test_a_manuscript_that_is_a_broken_link_fails_and_says_where_it_points(work):
    (work / "manuscripts").mkdir()
    write(work, "manuscripts/m.md", GOOD.format(title="T", body="Fine."))
    (work / "manuscripts" / "moved.md").symlink_to("/nowhere/moved.md")
    for argv in (("check", "-q"), ("check", "-q", "manuscripts/moved.md")):
        assert run(*argv) == (1, "", ("manuscripts/moved.md: is a link to /nowhere/moved.md, "
                                      "which does not exist\n")), argv
    err = run("check")[2]
    assert "checked 2 manuscript(s)" in err and err.endswith(": 1 error(s), 0 warning(s)\n")


def test_a_loop_of_links_fails_at_each_link_and_the_others_are_checked(work):
    (work / "manuscripts").mkdir()
    write(work, "manuscripts/m.md", GOOD.format(title="T", body="Fine."))
    (work / "manuscripts" / "a.md").symlink_to("b.md")
    (work / "manuscripts" / "b.md").symlink_to("a.md")
    loop = ("manuscripts/{}.md: is a link to {}.md, which leads back to itself "
            "(a loop of links)")
    status, out, err = run("check")
    assert (status, out) == (1, "")
    assert err.splitlines()[3:5] == [loop.format("a", "b"), loop.format("b", "a")]
    assert err.splitlines()[-1].startswith("checked 3 manuscript(s)")
    status, out, err = run("build", "manuscripts/a.md", "--format", "html")
    assert (status, err.splitlines()[-1]) == (1, loop.format("a", "b"))


def test_check_exit_status(work):
    write(work, "m.md", GOOD.format(title="T", body="Fine."))
    status, out, err = run("check", "m.md")
    assert (status, out) == (0, "")
    assert err.splitlines()[-1].startswith("checked 1 manuscript(s) in ") and err.endswith(
        ": 0 error(s), 0 warning(s)\n")
    write(work, "m.md", GOOD.format(title="T", body="Fine.").replace("draft", "drafty"))
    status, out, err = run("check", "m.md")
    assert (status, out) == (1, "")
    assert err.splitlines()[1] == ("m.md:4: 'status' must be one of draft, submitted, "
                                   "under-review, approved, retired; found 'drafty' (did you "
                                   "mean 'draft'?)")
    assert err.splitlines()[-1].startswith("checked 1 manuscript(s) in ") and err.endswith(
        ": 1 error(s), 0 warning(s)\n")


def test_strict_turns_warnings_into_errors(work):
    text = GOOD.format(title="T", body="Fine.").replace("status: draft",
                                                         "status: draft\nreveiwers: []")
    write(work, "m.md", text)
    status, _out, err = run("check", "-q", "m.md")
    assert (status, err) == (0, ("m.md:5: warning: unknown field 'reveiwers' "
                                "(did you mean 'reviewers'?)\n"))
    status, _out, err = run("check", "-q", "m.md", "--strict")
    assert (status, err) == (1, "m.md:5: unknown field 'reveiwers' (did you mean 'reviewers'?)\n")
    status, _out, err = run("build", "m.md", "--strict", "--out", "dist", "--format", "pdf")
    assert status == 1
    assert "m.md:5: unknown field 'reveiwers' (did you mean 'reviewers'?)" in err.splitlines()
    assert json.loads((work / "dist" / "manifest.json").read_text()) == {
        "artifacts": [],
        "errors": [{"source": "m.md", "line": 5,
                    "message": "unknown field 'reveiwers' (did you mean 'reviewers'?)"}],
        "warnings": [],
    }
    status, _out, err = run("build", "m.md", "--out", "dist", "--format", "pdf")
    assert json.loads((work / "dist" / "manifest.json").read_text())["warnings"] == [
        {"source": "m.md", "line": 5,
         "message": "unknown field 'reveiwers' (did you mean 'reviewers'?)"}]


def test_failed_rebuild_keeps_the_previous_files_and_says_so(work):
    a = write(work, "a.md", GOOD.format(title="Handout A", body="Alpha text."))
    b = write(work, "b.md", GOOD.format(title="Handout B", body="Beta text."))
    status, _out, err = run("build", "a.md", "b.md", "--out", "dist", "--format", "pdf",
                            "--jobs", "1", "--no-cache")
    assert status == 0, err
    dist = work / "dist"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in dist.iterdir()}
    manifest_before = json.loads((dist / "manifest.json").read_text())

    # a: the front matter breaks; b: the body cites a key nobody defines.
    a.write_text(a.read_text().replace("version: 1.0.0", "version: 1.1"))
    b.write_text(b.read_text().replace("Beta text.", "Beta text [@missing]."))
    status, _out, err = run("build", "a.md", "b.md", "--out", "dist", "--format", "pdf",
                            "--jobs", "1", "--no-cache")
    assert status == 1
    assert problem_lines(err) == [
        "a.md:3: 'version' must be a semantic version such as 1.2.0, found '1.1'",
        "a.md: warning: build failed; the previous files are kept: a.clinician.pdf",
        ("b.md:7: citation '@missing' has no entry in the bibliography; the front matter names "
        "no 'bibliography'"),
        "b.md: warning: build failed; the previous files are kept: b.clinician.pdf",
    ]
    for name in ("a.clinician.pdf", "b.clinician.pdf"):
        path = dist / name
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before[name]
    manifest = json.loads((dist / "manifest.json").read_text())
    assert manifest["artifacts"] == manifest_before["artifacts"]
    assert [(e["source"], e["line"]) for e in manifest["errors"]] == [("a.md", 3), ("b.md", 7)]


def test_the_index_keeps_the_dates_of_the_files_a_failed_rebuild_left(work):
    a = write(work, "a.md", GOOD.format(title="Handout A", body="Alpha text."))
    args = ("build", "a.md", "--out", "dist", "--format", "html", "--jobs", "1", "--no-cache")
    assert run(*args)[0] == 0
    index = work / "dist" / "index.html"
    before = index.read_text(encoding="utf-8")
    assert '<time datetime="2025-09-18">September 18, 2025</time>' in before

    a.write_text(a.read_text().replace("version: 1.0.0", "version: 1.1"))
    assert run(*args)[0] == 1
    assert index.read_text(encoding="utf-8") == before  # the dates of the files still there


def test_check_does_not_import_weasyprint():
    script = textwrap.dedent("""
        import io, sys
        from pipeline import cli
        status = cli.main(["check", "manuscripts"], io.StringIO(), io.StringIO())
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("weasyprint", "pydyf"))
        print(status, heavy)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.stdout.strip() == "0 []", result.stderr


def test_invoke_check_wraps_the_same_command():
    invoke = Path(sys.executable).with_name("invoke")
    result = subprocess.run([str(invoke), "check", "--paths", "tests/fixtures/bad/latin1.md"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "tests/fixtures/bad/latin1.md:2: not valid UTF-8 (byte 0xe9 at offset 15); save " \
           "the file as UTF-8" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_building_one_file_keeps_the_manifest_of_the_whole_folder(work):
    for slug in ("a", "b", "c"):
        write(work, f"{slug}.md", GOOD.format(title=f"Handout {slug}", body=f"{slug} text."))
    status, _out, err = run("build", "a.md", "b.md", "c.md", "--out", "dist", "--format",
                            "epub", "--jobs", "1", "--no-cache")
    assert status == 0, err
    dist = work / "dist"
    (dist / "c.clinician.epub").unlink()  # gone from the folder: gone from the manifest
    write(work, "a.md", GOOD.format(title="Handout a", body="a text, revised."))
    status, _out, err = run("build", "a.md", "--out", "dist", "--format", "epub", "--jobs",
                            "1", "--no-cache")
    assert status == 0, err
    manifest = json.loads((dist / "manifest.json").read_text())
    listed = {e["path"]: e for e in manifest["artifacts"]}
    assert sorted(listed) == ["a.clinician.epub", "b.clinician.epub"]
    for name, entry in listed.items():
        data = (dist / name).read_bytes()
        assert (entry["sha256"], entry["bytes"]) == (hashlib.sha256(data).hexdigest(), len(data))
    assert listed["b.clinician.epub"]["source"] == "b.md"


def test_progress_says_built_only_for_files_written(work, monkeypatch):
    """A manuscript whose EPUB renders but whose PDF fails writes nothing and says so."""
    from pipeline.errors import PipelineError
    from pipeline.formats.pdf import PdfFormat

    def refuse(self, doc, options, styles):
        raise PipelineError.at(doc.manuscript.path, 5, "no room on the page")

    monkeypatch.setattr(PdfFormat, "render", refuse)
    write(work, "m.md", GOOD.format(title="T", body="Some text."))
    # one manuscript, two outputs, two workers (forked, so patched too): two jobs
    status, _out, err = run("build", "m.md", "--out", "dist", "--jobs", "2", "--no-cache",
                            "--format", "pdf", "--format", "epub")
    assert status == 1
    lines = err.splitlines()
    assert "m.md:5: no room on the page" in lines
    assert "[1/2] failed m.clinician.epub" in lines or "[2/2] failed m.clinician.epub" in lines
    assert not any("] built " in line for line in lines), lines
    assert not (work / "dist" / "m.clinician.epub").exists()
