"""The render cache: what a rebuild renders again, and what it takes from the cache.

Each test builds a small project of its own (two short manuscripts sharing
one .bib, a copy of styles/) into a temporary folder, changes one input and
counts what the next build rendered (``built``) and reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EPOCH, ROOT

from pipeline.build import BuildOptions, build
from pipeline.cache import Cache
from pipeline.cache_keys import bib_entry_texts

BIB = """@string{pm = {Pain Medicine}}

@article{alpha-2020,
  title = {Alpha trial of platelet-rich plasma},
  journal = pm,
  year = {2020},
  category = {Research}
}

@article{beta-2021,
  title = {Beta review of prolotherapy},
  journal = {Pain Practice},
  year = {2021},
  category = {Review}
}

@article{gamma-2022,
  title = {Gamma cohort nobody cites},
  journal = {Spine},
  year = {2022}
}
"""

MANUSCRIPT = """---
title: "{title}"
version: 1.0.0
status: draft
last_updated: 2025-09-18
bibliography: [refs.bib]
---
## Summary

{body}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with two manuscripts, a .bib and its own styles/."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "manuscripts").mkdir()
    (tmp_path / "manuscripts" / "refs.bib").write_text(BIB, encoding="utf-8")
    write(tmp_path, "one", "Platelet-rich plasma helps some patients [@alpha-2020].")
    write(tmp_path, "two", "Prolotherapy is an option for joint pain [@beta-2021].")
    shutil.copytree(ROOT / "styles", tmp_path / "styles")
    return tmp_path


def write(project: Path, slug: str, body: str) -> None:
    text = MANUSCRIPT.format(title=f"Handout {slug}", body=body)
    (project / "manuscripts" / f"{slug}.md").write_text(text, encoding="utf-8")


def options(project: Path, **kw) -> BuildOptions:
    return BuildOptions(out=project / "dist", cache_dir=project / "cache",
                        styles=project / "styles", formats=kw.pop("formats", ("epub",)),
                        jobs=kw.pop("jobs", 1), **kw)


def run(project: Path, **kw):
    report = build([project / "manuscripts"], options(project, **kw))
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    return report


def files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def test_no_change_rebuild_renders_nothing_and_gives_the_same_bytes(project):
    first = run(project, formats=("pdf", "epub"), jobs=2)
    assert (first.built, first.reused) == (4, 0)
    before = files(project / "dist")
    second = run(project, formats=("pdf", "epub"), jobs=2)
    assert (second.built, second.reused) == (0, 4)
    assert second.runner == ""  # no worker was started
    assert files(project / "dist") == before


def test_editing_one_manuscript_renders_only_its_outputs(project):
    run(project)
    write(project, "two", "Prolotherapy is an option for joint pain [@beta-2021]. More text.")
    report = run(project)
    assert (report.built, report.reused) == (1, 1)
    assert [a.path for a in report.artifacts] == ["one.clinician.epub", "two.clinician.epub"]


def test_a_style_change_renders_everything_again(project):
    run(project)
    css = project / "styles" / "css" / "epub.css"
    css.write_text(css.read_text() + "\n/* darker headings */\nh2 { color: #000; }\n")
    report = run(project)
    assert (report.built, report.reused) == (2, 0)


def test_a_template_change_renders_the_pdfs_again(project):
    run(project, formats=("pdf",))
    template = project / "styles" / "templates" / "print.html.j2"
    template.write_text(template.read_text().replace("</body>", "<!-- v2 -->\n</body>"))
    report = run(project, formats=("pdf",))
    assert (report.built, report.reused) == (2, 0)


def test_only_manuscripts_citing_a_changed_entry_render_again(project):
    run(project)
    bib = project / "manuscripts" / "refs.bib"
    bib.write_text(bib.read_text().replace("Beta review", "Beta systematic review"))
    report = run(project)
    assert (report.built, report.reused) == (1, 1)
    bib.write_text(bib.read_text().replace("Gamma cohort", "Gamma cohort study"))
    report = run(project)
    assert (report.built, report.reused) == (0, 2)  # nobody cites gamma-2022


def test_build_options_and_stamp_are_part_of_the_key(project, monkeypatch):
    run(project, formats=("pdf",))
    assert run(project, formats=("pdf",), paper="letter").built == 2
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400 * 3))
    assert run(project, formats=("pdf",), paper="letter").built == 2


def test_a_damaged_entry_is_rendered_again(project):
    run(project)
    entries = [p for p in (project / "cache").rglob("*") if p.is_file()
               and p.parent.name != "readings" and not p.name.startswith(("index.sqlite", "digests.json"))]
    assert len(entries) == 2
    data = entries[0].read_bytes()
    entries[0].write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    again = run(project)
    assert (again.built, again.reused) == (0, 2)  # the outputs in dist/ are taken as they are
    for output in (project / "dist").glob("*.epub"):
        output.unlink()  # now the entries must be read: the damaged one is rendered again
    report = run(project)
    assert (report.built, report.reused) == (1, 1)


def test_a_damaged_index_is_replaced_once_with_a_warning_not_kept_forever(project):
    """A build killed while the index was written (or a cache copy cut short) left it torn:
    left alone, every later build would render everything again without a word."""
    run(project)
    index = project / "cache" / "index.sqlite"
    for leftover in (project / "cache").glob("index.sqlite-*"):
        leftover.unlink()
    index.write_bytes(index.read_bytes()[:1000])
    (project / "manuscripts" / "one.md").touch()  # read again, not taken from the plan
    torn = run(project)
    assert [str(p) for p in torn.problems] == [
        ("cache/index.sqlite: warning: the render cache's index was damaged (database disk image is "
        "malformed), as a killed build or a copy cut short leaves it: a new one was started; "
        "the outputs are whole")]
    again = run(project)
    assert (again.built, again.reused, again.problems) == (0, 2, [])


def test_warnings_are_reported_again_from_the_cache(project):
    write(project, "one", "Platelet-rich plasma helps [@alpha-2020].\n\n![](missing.png)")
    first = build([project / "manuscripts"], options(project))
    second = build([project / "manuscripts"], options(project))
    assert second.built == 0
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems]


def test_no_cache_renders_and_stores_nothing(project):
    report = run(project, use_cache=False)
    assert report.built == 2 and not (project / "cache").exists()


def test_a_cache_folder_that_cannot_be_made_is_one_error_before_any_work(project):
    (project / "blocked").write_text("a file where the cache folder would be\n")
    out = subprocess.run([sys.executable, "-m", "pipeline", "build", "--format", "epub"],
                         cwd=project, capture_output=True, text=True, check=False,
                         env={**os.environ, "HANDOUT_CACHE_DIR": str(project / "blocked" / "c")})
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == (f"error: render cache {project / 'blocked' / 'c'}: cannot be written: "
                          "Not a directory; set HANDOUT_CACHE_DIR to a folder that can be, or "
                          "use --no-cache\n")
    assert not (project / "dist").exists()
    nocache = subprocess.run([sys.executable, "-m", "pipeline", "build", "--format", "epub",
                              "--no-cache"], cwd=project, capture_output=True, text=True,
                             check=False,
                             env={**os.environ, "HANDOUT_CACHE_DIR": str(project / "blocked")})
    assert nocache.returncode == 0, nocache.stderr


NO_CHANGE_SCRIPT = """
import json, sys
from pathlib import Path
import pipeline.pandoc
from pipeline.cache_keys import environment_digest
calls = []
real = pipeline.pandoc.run_pandoc
pipeline.pandoc.run_pandoc = lambda *a, **k: calls.append(a) or real(*a, **k)
from pipeline.build import BuildOptions, build
p = Path.cwd()
report = build([p / "manuscripts"], BuildOptions(
    out=p / "dist", cache_dir=p / "cache", styles=p / "styles", jobs=2, formats=("pdf", "epub")))
print(json.dumps({"built": report.built, "reused": report.reused,
                  "weasyprint": sorted(m for m in sys.modules if "weasyprint" in m),
                  "pandoc_calls": len(calls), "environment": environment_digest(),
                  "grades": {k: r.grade for k, r in report.readings.items()}}))
"""



def test_the_cache_survives_the_process_and_the_no_change_path_imports_no_renderer(project):
    patient = (project / "manuscripts" / "one.md").read_text().replace(
        "bibliography:", "audiences: [patient]\nbibliography:")
    (project / "manuscripts" / "three.md").write_text(patient, encoding="utf-8")

    def build_in_a_new_process() -> dict:
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        done = subprocess.run([sys.executable, "-c", NO_CHANGE_SCRIPT], cwd=project, env=env,
                              capture_output=True, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    cold = build_in_a_new_process()
    assert (cold["built"], cold["reused"]) == (6, 0)
    assert list(cold["grades"]) == ["three"]  # measured by the worker that rendered it
    warm = build_in_a_new_process()
    assert warm["environment"] == cold["environment"], "the pipeline's source changed meanwhile"
    assert (warm["built"], warm["reused"]) == (0, 6)
    assert warm["grades"] == cold["grades"] and list(warm["grades"]) == ["three"]
    assert warm["weasyprint"] == [] and warm["pandoc_calls"] == 0


def test_invoke_clean_removes_the_cache(tmp_path, monkeypatch):
    import importlib.util

    from invoke import Context

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)

    (tmp_path / ".cache" / "handouts" / "ab").mkdir(parents=True)
    (tmp_path / ".cache" / "handouts" / "ab" / "abcd").write_bytes(b"x")
    (tmp_path / "dist").mkdir()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "ef").mkdir(parents=True)
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(elsewhere))
    tasks.clean(Context())
    assert not (tmp_path / ".cache").exists() and not (tmp_path / "dist").exists()
    assert not elsewhere.exists()


def test_bib_entries_are_split_by_key():
    shared, entries = bib_entry_texts(BIB)
    assert shared.startswith("@string{pm")
    assert sorted(entries) == ["alpha-2020", "beta-2021", "gamma-2022"]
    assert "Beta review" in entries["beta-2021"] and "Gamma" not in entries["beta-2021"]


def test_keys_differ_by_audience_format_and_stamp(project):
    from pipeline.build import load_all
    from pipeline.errors import Problems
    from pipeline.model import RenderOptions, Stamp

    (m, *_), _ = load_all([project / "manuscripts" / "one.md"], options(project), Problems())
    cache = Cache(project / "cache", project / "styles")
    stamp = Stamp("1.0.0", "draft", m.last_updated, m.last_updated, "")
    keys = {cache.key(m, stamp, a, f, RenderOptions()) for a in ("clinician", "patient")
            for f in ("pdf", "epub")}
    keys.add(cache.key(m, Stamp("1.0.0", "draft", m.last_updated, m.last_updated, "abc"),
                       "clinician", "pdf", RenderOptions()))
    assert len(keys) == 5 and "" not in keys


def test_a_no_change_build_reads_no_entry_and_hashes_no_output(project, monkeypatch):
    run(project, formats=("pdf", "epub"))
    import pipeline.gather
    import pipeline.output

    read: list = []
    monkeypatch.setattr(Cache, "get", lambda self, key: read.append(key))
    monkeypatch.setattr(pipeline.output, "write_atomic", lambda *a: read.append(a))
    monkeypatch.setattr(pipeline.gather, "sha256", lambda *a: read.append(a))
    report = run(project, formats=("pdf", "epub"))
    assert (report.built, report.reused, read) == (0, 4, [])
    assert [a.path for a in report.artifacts] == [
        "one.clinician.epub", "one.clinician.pdf", "two.clinician.epub", "two.clinician.pdf"]


def test_an_output_changed_in_the_folder_is_put_back_from_the_cache(project):
    run(project)
    target = project / "dist" / "one.clinician.epub"
    good = target.read_bytes()
    target.write_bytes(b"PK" + good[2:])  # same size, other bytes, newer than the manifest
    report = run(project)
    assert (report.built, report.reused) == (0, 2)
    assert target.read_bytes() == good


def entry_files(project: Path) -> list[Path]:
    return sorted(p for p in (project / "cache").glob("??/*") if p.is_file())


def test_the_cache_stays_under_its_limit_least_recently_used_first(project):
    write(project, "three", "Three cites nothing.")
    run(project)
    sizes = [p.stat().st_size for p in entry_files(project)]
    assert len(sizes) == 3

    def only(slug: str, **kw):
        return build([project / "manuscripts" / f"{slug}.md"], options(project, **kw))

    (project / "dist" / "two.clinician.epub").unlink()
    assert only("two").reused == 1  # read from the cache: now the most recently used
    write(project, "four", "Four cites nothing either.")
    limit = max(sizes) * 2 + 4 * 512 + 100  # two entries and the four index rows
    assert only("four", cache_max=limit).built == 1
    assert len(entry_files(project)) == 2
    assert sum(p.stat().st_size for p in entry_files(project)) + 4 * 512 <= limit
    for slug, kept in (("two", True), ("four", True), ("one", False), ("three", False)):
        (project / "dist" / f"{slug}.clinician.epub").unlink()
        report = only(slug)
        assert (report.built, report.reused) == ((0, 1) if kept else (1, 0)), slug


def test_the_limit_and_the_command_that_empties_the_cache(project, monkeypatch, capsys):
    from pipeline import cli
    from pipeline.cache_folder import default_max, parse_size
    from pipeline.cache_folder import usage as cache_usage

    assert default_max() == 2 * 2**30
    monkeypatch.setenv("HANDOUT_CACHE_MAX", "1.5G")
    assert default_max() == int(1.5 * 2**30)
    assert parse_size("500M") == 500 * 2**20 and parse_size("123") == 123
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(project / "cache"))
    run(project)
    assert cli.main(["cache"]) == 0
    assert capsys.readouterr().out.startswith(f"render cache {project / 'cache'}: ")
    files = cache_usage(project / "cache")[1]
    assert cli.main(["cache", "--clear"]) == 0
    assert capsys.readouterr().out == \
        f"render cache {project / 'cache'}: emptied ({files} file(s) removed)\n"
    assert files > 3 and not (project / "cache").exists()
    assert cli.main(["build", "manuscripts", "--cache-max", "lots"]) == 2
    assert capsys.readouterr().err == \
        "error: --cache-max: expected a size such as 500M or 2G, found 'lots'\n"


@pytest.mark.parametrize("argv", [["build", "--cache-max", "-1G"],
                                  ["build", "-j", "2", "--cache-max", "-.5G", "manuscripts"]])
def test_a_negative_cache_size_is_refused_for_what_it_is(argv, capsys):
    """Not argparse's "expected one argument": the value is there, it is wrong."""
    from pipeline import cli

    assert cli.main(argv) == 2
    value = argv[argv.index("--cache-max") + 1]
    assert capsys.readouterr().err == \
        f"error: --cache-max: expected a size such as 500M or 2G, found '{value}'\n"


def test_a_shared_cache_folder_keeps_what_other_programs_put_there(project, monkeypatch,
                                                                     capsys):
    """HANDOUT_CACHE_DIR may name ~/.cache or the project itself: only the cache's files go."""
    from pipeline import cli

    shared = project / "home-cache"
    (shared / "mozilla").mkdir(parents=True)
    (shared / "mozilla" / "profile.db").write_text("precious")
    (shared / "ab").mkdir()
    (shared / "ab" / "notes.txt").write_text("not an entry")
    (shared / "index.html").write_text("<p>mine</p>")
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(shared))
    report = build([project / "manuscripts"],
                   BuildOptions(out=project / "dist", cache_dir=shared, styles=project / "styles",
                                formats=("epub",), jobs=1))
    assert report.ok
    assert len(list(shared.glob("??/" + "[0-9a-f]" * 64))) > 0
    assert cli.main(["cache"]) == 0
    shown = capsys.readouterr().out
    assert cli.main(["cache", "--clear"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"render cache {shared}: emptied (")
    assert out.endswith("; 3 other item(s) in the folder are not the cache's and were left "
                        "alone\n")
    assert sorted(str(p.relative_to(shared)) for p in shared.rglob("*")) == [
        "ab", "ab/notes.txt", "index.html", "mozilla", "mozilla/profile.db"]
    assert "in 0 file(s)" not in shown
    # the project folder itself as the cache: its manuscripts and dist/ survive a clear
    monkeypatch.chdir(project)
    monkeypatch.setenv("HANDOUT_CACHE_DIR", ".")
    before = sorted(p for p in project.rglob("*") if "home-cache" not in p.parts)
    assert cli.main(["cache", "--clear"]) == 0
    assert sorted(p for p in project.rglob("*") if "home-cache" not in p.parts) == before
