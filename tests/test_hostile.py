"""Hostile conditions a user meets: wrong settings, odd environments, links and signals.

Each case is driven through the command line as a user would meet it, and the
exact message is asserted: a ``path:line: message`` or an ``error:`` line, never
a traceback.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import KNEE_MANUSCRIPT as GOOD
from helpers import knee_project
from helpers import run_cli as run

BIB = "@article{doe-2020, author={Doe, Jane}, title={A trial}, journal={J}, year={2020},\n" \
      "  keywords={guideline}}\n"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return knee_project(tmp_path, monkeypatch, GOOD, BIB)


@pytest.mark.parametrize(("kinds", "message"), [
    ("keywords: 5\n", ("styles/kinds.yaml:1: 'keywords' must map names to kinds, such as "
     "'keywords: {guideline: Guideline}'; found '5'")),
    ("keywords: [\n", "styles/kinds.yaml:2: not valid YAML: did not find expected node content"),
    ("keyword:\n  guideline: Guideline\n",
     "styles/kinds.yaml:1: unknown section 'keyword' (did you mean 'keywords'?)"),
    ("keywords:\n  guideline: [Guideline]\n", ("styles/kinds.yaml:2: 'keywords': the kind of "
     "'guideline' must be text such as Guideline, found a list")),
])
def test_a_wrong_kinds_map_is_reported_at_its_line(work, kinds, message):
    (work / "styles").mkdir()
    (work / "styles" / "kinds.yaml").write_text(kinds, encoding="utf-8")
    status, out, err = run("check", "-q")
    assert (status, out, err) == (1, "", message + "\n")


def test_a_build_with_a_wrong_kinds_map_fails_at_its_line_and_keeps_no_output(work):
    (work / "styles").mkdir()
    (work / "styles" / "kinds.yaml").write_text("keywords: 5\n", encoding="utf-8")
    status, _out, err = run("build", "--format", "html", "--jobs", "1")
    assert status == 1
    assert "Traceback" not in err and "internal error" not in err
    assert err.count("styles/kinds.yaml:1: 'keywords' must map names to kinds") == 1
    assert not (work / "dist" / "knee.clinician.html").exists()


@pytest.mark.parametrize(("value", "shown"), [
    ("abc", "'abc'"), ("-5", "'-5'"), ("1e9", "'1e9'"),
    ("99999999999999", "'99999999999999' (after the year 9999)"),
])
@pytest.mark.parametrize("command", ["build", "check", "status", "release"])
def test_a_source_date_epoch_that_is_not_seconds_is_a_usage_error(work, monkeypatch, command,
                                                                  value, shown):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert run(command) == (2, "", (
        "error: SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, such as "
        f"1760000000, found {shown}; unset it to date each build by its source commit\n"))
    assert not (work / "dist").exists()


def test_an_empty_source_date_epoch_counts_as_unset(work, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " ")
    status, out, err = run("check")
    assert (status, out) == (0, "")
    assert err.endswith(": 0 error(s), 0 warning(s)\n")


def test_a_broken_link_in_the_folder_is_named_by_its_own_name(work):
    (work / "manuscripts" / "moved.md").symlink_to("renamed.md")
    expected = "manuscripts/moved.md: is a link to renamed.md, which does not exist\n"
    for argv in (("check", "-q"), ("check", "-q", "manuscripts/moved.md"),
                 ("build", "manuscripts/moved.md", "--format", "html")):
        status, _out, err = run(*argv)
        assert (status, err.replace("[1/1] failed", "")[-len(expected):]) == (1, expected), argv


def test_links_to_folders_above_are_walked_once(work, monkeypatch):
    """``up -> ..`` and ``here -> .`` in a folder once doubled the walk at every level."""
    import os

    from pipeline import discover

    (work / "manuscripts" / "up").symlink_to("..")
    (work / "manuscripts" / "here").symlink_to(".")
    folders = []
    real_scandir = os.scandir

    def scandir(path):
        folders.append(path)
        assert len(folders) < 20, "the walk goes round a loop of links"
        return real_scandir(path)

    with monkeypatch.context() as patch:
        patch.setattr(os, "scandir", scandir)
        found = discover.discover([Path("manuscripts")])
    assert found == [Path("manuscripts/knee.md")]
    assert run("check", "-q")[::2] == (0, "")


def test_stopping_the_preview_and_its_workers_together_says_terminated_once(tmp_path):
    """``kill -TERM -PGID`` (``timeout``, a service manager) ends the workers with the server."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from helpers import EPOCH, ROOT, desk_project

    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "preview", "--port", "0"], cwd=desk_project(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)})
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving http://")
        deadline = time.monotonic() + 120
        while True:  # the workers are up, have rendered every edition, and wait for work
            with urllib.request.urlopen(line.split()[1] + "_preview/state", timeout=30) as r:
                handouts = json.load(r)["handouts"]
            if handouts and not any(h["rendering"] for h in handouts.values()):
                break
            assert time.monotonic() < deadline, handouts
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGTERM)
        assert (proc.wait(timeout=30), proc.stderr.read()) == (143, "terminated\n")
    finally:
        proc.kill()


@pytest.mark.parametrize(("argv", "usage", "message"), [
    (("status", "--jsn"), "usage: python -m pipeline status [-h]",
     "python -m pipeline status: error: unrecognized arguments: --jsn (did you mean '--json'?)"),
    (("build", "--formats", "html"), "usage: python -m pipeline build [-h]",
     ("python -m pipeline build: error: unrecognized arguments: --formats "
     "(did you mean '--format'?)")),
    (("cache", "--bogus"), "usage: python -m pipeline cache [-h] [--clear]",
     "python -m pipeline cache: error: unrecognized arguments: --bogus"),
])
def test_an_unknown_option_is_shown_with_its_commands_usage(work, argv, usage, message):
    status, out, err = run(*argv)
    assert (status, out) == (2, "")
    assert err.startswith(usage)
    assert err.endswith("\n" + message + "\n")


def test_front_matter_nested_too_deep_to_build_fails_its_manuscript_alone(work):
    """990 levels pass libyaml's limit, and building the value ended the check (RecursionError)."""
    (work / "manuscripts" / "deep.md").write_text(
        GOOD.replace('"Knee pain"', "Deep\nkeywords: " + "[" * 990 + "]" * 990),
        encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, (
        "manuscripts/deep.md:3: front matter nests lists or mappings more than 100 levels deep: "
        "quote a value that is text, as in 'title: \"[[draft]]\"', or nest fewer levels\n"))


def test_a_distribution_file_nested_past_what_libyaml_reads_is_named_not_a_traceback(work):
    (work / "clinics.yaml").write_text("clinics: " + "[" * 1100 + "\n", encoding="utf-8")
    from pipeline.distribution import load_distribution
    from pipeline.errors import PipelineError

    with pytest.raises(PipelineError) as raised:
        load_distribution(work / "clinics.yaml", {})
    assert [str(p) for p in raised.value.problems] == [(
        "clinics.yaml:1: not valid YAML: lists or mappings are nested more than 1,000 levels "
        "deep (brackets '[' or '{' inside each other): quote a value that is text, as in "
        "'title: \"[[draft]]\"', or nest fewer levels")]


def test_a_distribution_file_that_is_not_there_is_a_usage_error(work):
    (work / "clinics").mkdir()
    assert run("release", "--distribution", "clinics.yaml") == (
        2, "", "error: --distribution clinics.yaml: no such file\n")
    assert run("release", "--distribution", "clinics") == (
        2, "", "error: --distribution clinics: no such file (it is a folder)\n")


@pytest.mark.parametrize(("make", "message"), [
    (lambda bib: bib.mkdir(), "is a folder, not a file (bibliography/refs.bib)"),
    (lambda bib: bib.symlink_to("moved.bib"),
     "is a link to moved.bib, which does not exist (bibliography/refs.bib)"),
    (lambda bib: bib.symlink_to("refs.bib"), ("is a link to refs.bib, which leads back to "
     "itself (a loop of links: bibliography/refs.bib)")),
    (lambda bib: bib.symlink_to("/dev/zero"), ("is a link to /dev/zero, a device, not a file: "
     "nothing is read from it (bibliography/refs.bib)")),
    (lambda bib: os.mkfifo(bib), ("is a named pipe, not a file: nothing is read from it "
     "(bibliography/refs.bib)")),
])
def test_a_bibliography_that_cannot_be_read_says_why(work, make, message):
    bib = work / "bibliography" / "refs.bib"
    bib.unlink()
    make(bib)
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, f"manuscripts/knee.md:6: bibliography file 'refs.bib' {message}\n")


@pytest.mark.parametrize(("data", "kind"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "a PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
    (b"PK\x03\x04\x14\x00" + bytes(64), ("a ZIP archive (a Word .docx, an OpenDocument .odt or "
     "an EPUB is one)")),
])
def test_a_bibliography_that_is_not_text_says_what_it_is(work, data, kind):
    (work / "bibliography" / "refs.bib").write_bytes(data)
    status, _out, err = run("check", "-q")
    assert (status, err.splitlines()) == (1, [
        (f"bibliography/refs.bib:1: warning: no BibTeX entries found: the file is {kind}, not "
        "text; export the references as BibTeX, CSL-JSON or CSL-YAML"),
        "manuscripts/knee.md:9: citation '@doe-2020' has no entry in the bibliography"])


@pytest.mark.parametrize(("value", "tag"), [
    ("!!python/object/apply:os.system [ls]", "!!python/object/apply:os.system"),
    ("!note Hello", "!note"),
])
def test_a_yaml_tag_in_front_matter_is_named(work, value, tag):
    (work / "manuscripts" / "knee.md").write_text(
        GOOD.replace('"Knee pain"', value), encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, (
        f"manuscripts/knee.md:2: front matter is not valid YAML: the YAML tag '{tag}' is not "
        "allowed: front matter holds plain text, numbers, dates, lists and mappings; quote a "
        "value that starts with '!'\n"))


@pytest.mark.parametrize(("file", "text", "message"), [
    ("manuscripts/knee.md", GOOD.replace('"Knee pain"', "[" * 1100 + "]" * 1100),
     "manuscripts/knee.md:2: front matter is not valid YAML: "),
    ("styles/kinds.yaml", "keywords: " + "{a: " * 1100 + "}" * 1100 + "\n",
     "styles/kinds.yaml:1: not valid YAML: "),
    ("styles/site.yaml", "editorial_policy: " + "[" * 1100 + "\n",
     "styles/site.yaml:1: not valid YAML: "),
])
def test_yaml_nested_past_what_libyaml_reads_says_what_to_do(work, file, text, message):
    (work / file).parent.mkdir(exist_ok=True)
    (work / file).write_text(text, encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, message + (
        "lists or mappings are nested more than 1,000 levels deep (brackets '[' or '{' inside "
        "each other): quote a value that is text, as in 'title: \"[[draft]]\"', or nest fewer "
        "levels\n"))


@pytest.mark.parametrize(("catalogue", "message"), [
    ("page: [\n", "styles/locales/en.yaml:2: not valid YAML: did not find expected node content"),
    ("- Page\n", ("styles/locales/en.yaml:1: a message catalogue maps each key to its text, one "
                  "a line, such as 'page_counter: Page'")),
])
def test_a_projects_message_catalogue_that_is_no_mapping_is_named_at_its_line(work, catalogue,
                                                                             message):
    (work / "styles" / "locales").mkdir(parents=True)
    (work / "styles" / "locales" / "en.yaml").write_text(catalogue, encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, message + "\n")


@pytest.mark.parametrize(("nested", "line"), [
    ("> " * 2000 + "deep\n", 11),
    ("".join("    " * i + "1. item\n" for i in range(100)), 51),
    ("".join(f"{':' * (3 + i)} note\n" for i in range(300)) + "x\n", 51),
    # refused before pandoc reads them (it would take minutes)
    (">" * 10000 + " deep\n", 11),
    ("- " * 10000 + "deep\n", 11),
    ("".join("  " * i + "- item\n" for i in range(650)), 51),
    ("<span>" * 3000 + "x" + "</span>" * 3000 + "\n", 11),
    ("Text[^0].\n\n[^0]: " + "> " * 30 + "- " * 30 + "x\n", 13),  # inside a footnote
    ("".join("    " * i + f"Term {i}\n" + "    " * i + ":   Def\n\n" for i in range(60)),
     11 + 3 * 40 + 1),  # definition lists indented under each other
])
def test_a_body_nested_too_deeply_is_refused_at_the_line_it_goes_too_deep(work, nested, line):
    (work / "manuscripts" / "knee.md").write_text(GOOD + "\n" + nested, encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, (
        f"manuscripts/knee.md:{line}: the Markdown body nests quotes, lists or divs too deeply "
        "(about 40 levels inside each other at most)\n"))


@pytest.mark.parametrize("text", [
    "A wiki link [[[[[[[[[[[[[[Page]]]]]]]]]]]]]] here.",
    "Options [a [b [c [d [e [f [g [h [i",  # never closed
])
def test_brackets_nested_past_what_pandoc_reads_in_time_are_refused_at_once(work, text):
    (work / "manuscripts" / "knee.md").write_text(GOOD + "\n" + text + "\n", encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, (
        "manuscripts/knee.md:11: more than 8 '[' open inside each other: pandoc's Markdown "
        "reader takes seconds to minutes on them; write a bracket that is text as \\[\n"))


def test_brackets_in_code_or_escaped_are_not_counted(work):
    (work / "manuscripts" / "knee.md").write_text(
        GOOD + "\n`[[[[[[[[[[[[x` and \\[\\[\\[\\[\\[\\[\\[\\[\\[\\[ too.\n\n"
        "```\n[[[[[[[[[[[[[[[[[[[[\n```\n", encoding="utf-8")
    assert run("check", "-q") == (0, "", "")


@pytest.mark.parametrize(("text", "line"), [
    ("Links " + "<a " * 100_000 + "\n", 11),  # hours for pandoc, refused at once
    ("x\n\n" + "<!-- open\n\n" * 300 + "<span\n" * 300, 813),
])
def test_tags_never_closed_that_pandoc_reads_for_minutes_are_refused_at_once(work, text, line):
    (work / "manuscripts" / "knee.md").write_text(GOOD + "\n" + text, encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, (
        f"manuscripts/knee.md:{line}: more than 500 '<' open with no '>' after them (HTML tags "
        "or comments never closed): pandoc's Markdown reader takes minutes on them; close each "
        "tag, or write a '<' that is text as \\<\n"))


def test_tags_closed_escaped_or_in_code_are_not_counted(work):
    (work / "manuscripts" / "knee.md").write_text(
        GOOD + "\n" + "<b>x</b> " * 400 + "\\<a " * 600 + "`<a <a`\n\n```\n" + "<a " * 600
        + "\n```\n", encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (0, "")


def test_a_manuscript_whose_name_is_not_utf8_fails_alone_and_is_shown_escaped(work):
    import json
    import os

    with open(os.fsencode(work / "manuscripts") + b"/caf\xe9.md", "w", encoding="utf-8") as f:
        f.write(GOOD)
    expected = ("manuscripts/caf\\xe9.md: the file name is not valid UTF-8 (byte 0xe9, as a "
                "Windows or Latin-1 system writes it): rename the file\n")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, expected)
    status, _out, err = run("build", "--format", "html", "--jobs", "1")
    assert status == 1 and err.endswith(expected)
    assert (work / "dist" / "knee.clinician.html").is_file()
    manifest = json.loads((work / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert [e["source"] for e in manifest["errors"]] == ["manuscripts/caf\\xe9.md"]


def test_a_file_name_with_a_line_break_or_a_control_character_is_shown_escaped(work):
    """A name never splits or disguises the ``path:line: message`` it starts."""
    for n, name in enumerate(("new\nline.md", "tab\there.md", "\u202eevil.md", "esc\x1b[31m.md")):
        (work / "manuscripts" / name).write_text(
            GOOD.replace("status: draft", f"slug: s{n}\nstatus: drafty"), encoding="utf-8")
    status, out, err = run("check", "-q")
    assert (status, out) == (1, "")
    assert sorted(line.split(":5: ")[0] for line in err.splitlines()) == [
        "manuscripts/\\u202eevil.md", "manuscripts/esc\\x1b[31m.md", "manuscripts/new\\nline.md",
        "manuscripts/tab\\there.md"]


def test_output_that_the_terminal_cannot_show_is_escaped_not_a_traceback(work):
    import os
    import subprocess
    import sys

    from helpers import ROOT

    (work / "manuscripts" / "knee.md").write_text(GOOD.replace("Knee pain", "Rodilla: qué hacer"),
                                                  encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "status"], capture_output=True, check=False,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": str(ROOT)})
    assert (result.returncode, result.stderr) == (0, b"")
    assert b"Rodilla: qu\\xe9 hacer" in result.stdout


def test_an_image_that_is_a_loop_of_links_fails_its_manuscript_at_its_line(work):
    (work / "manuscripts" / "loop.png").symlink_to("loop.png")
    (work / "manuscripts" / "knee.md").write_text(GOOD + "\n![A knee](loop.png)\n",
                                                  encoding="utf-8")
    expected = ("manuscripts/knee.md:11: image 'loop.png' refused: is a link that leads back "
                "to itself (a loop of links)\n")
    assert run("check", "-q")[::2] == (1, expected)
    status, _out, err = run("build", "--format", "html", "--jobs", "1")
    assert status == 1 and "Traceback" not in err and expected in err


def test_a_link_to_a_device_or_a_named_pipe_fails_alone_without_waiting(work, tmp_path_factory):
    import os
    import subprocess
    import sys

    (work / "manuscripts" / "zero.md").symlink_to("/dev/zero")
    pipe = tmp_path_factory.mktemp("elsewhere") / "pipe"
    os.mkfifo(pipe)
    (work / "manuscripts" / "pipe.md").symlink_to(pipe)
    result = subprocess.run([sys.executable, "-m", "pipeline", "check", "-q"], cwd=work, timeout=60,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        (f"manuscripts/pipe.md: is a link to {pipe}, a named pipe, not a file: "
         "nothing is read from it"),
        ("manuscripts/zero.md: is a link to /dev/zero, a device, not a file: nothing is read "
         "from it")]
    assert result.stdout == ""
    message = f"error: {pipe}: not a file or folder (a named pipe or a device)\n"
    assert run("check", str(pipe)) == (2, "", message)


def test_the_preview_index_lists_a_folder_with_a_name_that_is_not_utf8(tmp_path):
    import os

    from helpers import Preview, desk_project

    project = desk_project(tmp_path)
    with open(os.fsencode(project / "manuscripts") + b"/caf\xe9.md", "w",
              encoding="utf-8") as f:
        f.write(GOOD)
    server = Preview(project)
    try:
        server.idle()
        status, body = server.get("/")
        assert status == 200 and b'href="desk.clinician.html"' in body
    finally:
        assert server.interrupt() == (130, "interrupted\n")


@pytest.mark.parametrize("manifest", [
    '{"artifacts": 5}', "[1, 2]", '{"artifacts": [{"manuscript": 5, "version": [1]}, 7]}',
])
def test_status_skips_a_damaged_release_manifest(work, manifest):
    (work / "dist" / "release" / "r1").mkdir(parents=True)
    (work / "dist" / "release" / "r1" / "manifest.json").write_text(manifest, encoding="utf-8")
    (work / "dist" / "release" / "r2").mkdir()
    (work / "dist" / "release" / "r2" / "manifest.json").write_text(
        '{"date": "2025-01-01", "artifacts": [{"manuscript": "knee", "version": "0.9.0"}]}',
        encoding="utf-8")
    status, out, err = run("status", "--json")
    assert (status, err) == (0, "")
    import json

    assert [row["released"] for row in json.loads(out)["handouts"]] == ["0.9.0"]


@pytest.mark.parametrize(("blocker", "why"), [
    ("dist", ("dist is a file where a folder must be: remove or rename it, or build into "
             "another --out")),
    ("dist/release", ("dist/release is a file where a folder must be: remove or rename it, or "
                     "build into another --out")),
])
def test_a_release_that_cannot_be_written_is_a_located_error_and_nothing_is_left(
        work, blocker, why):
    from pipeline.errors import PipelineError
    from pipeline.publish import publish_folder

    (work / blocker).parent.mkdir(exist_ok=True)
    (work / blocker).write_bytes(b"")
    with pytest.raises(PipelineError) as caught:
        publish_folder(Path("dist/release/r1"), {"a.pdf": b"%PDF"}, "release r1")
    assert str(caught.value) == (
        f"dist/release/r1: cannot write the release r1: {why}; nothing of it was published")
    assert (work / blocker).read_bytes() == b"" and not list(work.rglob(".r1-*"))


@pytest.mark.parametrize("blocker", ["dist", "dist/release"])
def test_a_release_whose_out_folder_is_a_file_is_a_usage_error_before_any_render(work, blocker):
    """As build says it: not after rendering every edition."""
    (work / blocker).parent.mkdir(exist_ok=True)
    (work / blocker).write_bytes(b"")
    assert run("release") == (2, "", f"error: --out dist: {blocker} is a file, not a folder\n")
    assert (work / blocker).read_bytes() == b""


def test_a_file_where_an_output_folder_must_be_is_named_and_the_pages_are_kept(work):
    assert run("build", "--format", "html", "--jobs", "1")[0] == 0
    page = (work / "dist" / "knee.clinician.html").read_bytes()
    shutil.rmtree(work / "dist" / "assets")
    (work / "dist" / "assets").write_bytes(b"")
    status, _out, err = run("build", "--format", "html", "--jobs", "1")
    assert status == 1 and "Traceback" not in err
    assert "dist/assets/css/fonts.css: cannot write the file: dist/assets is a file where a " \
           "folder must be: remove or rename it, or build into another --out; the previous " \
           "file, if any, is kept\n" in err
    assert (work / "dist" / "knee.clinician.html").read_bytes() == page


def test_a_folder_where_the_manifest_must_be_is_named(work):
    (work / "dist" / "manifest.json").mkdir(parents=True)
    status, _out, err = run("build", "--format", "html", "--jobs", "1")
    assert status == 1
    assert err.splitlines()[-1] == (
        "dist/manifest.json: cannot write the manifest: a folder of that name is in the way: "
        "remove or rename it, or build into another --out; the previous file, if any, is kept")


def test_a_read_only_output_folder_is_named_and_the_last_good_files_are_kept(work,
                                                                             monkeypatch):
    """Root writes anywhere: the refusal a read-only folder gives is made at the write."""
    import errno

    import pipeline.output

    assert run("build", "--format", "html", "--jobs", "1")[0] == 0
    before = {p: p.read_bytes() for p in (work / "dist").rglob("*") if p.is_file()}
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(knee.read_text().replace("Rest helps", "Rest often helps"))

    def refused(_dir_fd: int) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(pipeline.output, "_unnamed_file", refused)
    status, _out, err = run("build", "--format", "html", "--jobs", "1")
    assert status == 1 and "Traceback" not in err
    assert "dist/knee.clinician.html: cannot write the output: the folder dist is read-only " \
           "(Permission denied): make it writable, or build into another --out\n" in err
    assert "manuscripts/knee.md: warning: build failed; the previous files are kept: " \
           "knee.clinician.html\n" in err
    assert {p: p.read_bytes() for p in (work / "dist").rglob("*") if p.is_file()} == before


def test_a_csl_yaml_bibliography_nested_past_what_libyaml_reads_says_to_export_it_again(work):
    (work / "bibliography" / "refs.yaml").write_text(
        "references:\n- id: doe-2020\n  title: " + "[" * 1100 + "\n", encoding="utf-8")
    (work / "manuscripts" / "knee.md").write_text(GOOD.replace("refs.bib", "refs.yaml"),
                                                  encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err.splitlines()) == (1, [
        ("bibliography/refs.yaml:3: warning: not valid YAML: lists or mappings are nested more "
         "than 1,000 levels deep (brackets '[' or '{' inside each other): export the "
         "bibliography again; the items after it are not read"),
        "manuscripts/knee.md:9: citation '@doe-2020' has no entry in the bibliography"])


def test_a_csl_json_bibliography_nested_past_what_json_reads_is_a_warning(work):
    (work / "bibliography" / "refs.json").write_text("[" * 100000 + "]" * 100000,
                                                     encoding="utf-8")
    (work / "manuscripts" / "knee.md").write_text(GOOD.replace("refs.bib", "refs.json"),
                                                  encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err.splitlines()) == (1, [
        ("bibliography/refs.json:1: warning: nests lists or mappings too deeply to be read "
        "(thousands of levels); export the bibliography again"),
        "manuscripts/knee.md:9: citation '@doe-2020' has no entry in the bibliography"])


def test_an_image_that_is_a_folder_says_so(work):
    (work / "manuscripts" / "knee.png").mkdir()
    (work / "manuscripts" / "knee.md").write_text(GOOD + "\n![A knee](knee.png)\n",
                                                  encoding="utf-8")
    assert run("check", "-q")[::2] == (
        1, "manuscripts/knee.md:11: image 'knee.png' is a folder, not an image file\n")


def test_change_marks_opened_and_never_closed_cost_no_more_than_the_text():
    """Each of 20,000 openings searched to the text's end took 26 CPU s."""
    import time

    from pipeline.changemarks import accepted

    for body in ("{++ a " * 20000, "[+ a " * 20000, "{~~ a ~> " * 20000):
        started = time.process_time()
        assert accepted(body) == body
        assert time.process_time() - started < 1
    assert accepted("a [+ e +} f [- g -] h {~~x~>y~~}") == "a [+ e +} f  h y"


def test_many_gitlab_quote_fences_cost_no_more_than_the_text():
    """Each opening fence looked for a closing one in all the text after it: 4.8 CPU s."""
    import time

    from pipeline.gitlab import as_quotes

    started = time.process_time()
    assert as_quotes(">>>\n" * 40001).count(">") == 3  # the last, never closed, as written
    assert time.process_time() - started < 1


@pytest.mark.parametrize("name", ["refs.bib", "refs.json"])
def test_a_bibliography_too_large_to_read_in_memory_is_refused_unread(work, name):
    bib = work / "bibliography" / name
    bib.unlink(missing_ok=True)
    with bib.open("wb") as f:
        f.truncate(200 * 2**20)  # sparse: no disk used, nothing to read but zeros
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD.replace("refs.bib", name), encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err.splitlines()) == (1, [
        (f"bibliography/{name}: is 200 MiB, more than the 64 MiB a source file may have: "
         "nothing is read from it; export only the references the handouts cite, or split the "
         "file"),
        "manuscripts/knee.md:9: citation '@doe-2020' has no entry in the bibliography"])


def test_a_direction_control_that_reorders_the_text_is_a_warning_at_its_line(work):
    """An override shows "Take 5 mg" as the source does not say it ("Trojan Source")."""
    (work / "manuscripts" / "knee.md").write_text(
        GOOD + "\nTake \u202e01\u202c mg daily.\n\nRest \u2067well\u2069.\n", encoding="utf-8")
    assert run("check", "-q") == (0, "", (
        "manuscripts/knee.md:11: warning: direction control U+202E (right-to-left override) at "
        "column 6: the text after it shows in another order than it is written, so the source "
        "and the handout may read differently; remove it (a right-to-left passage is marked "
        "with [text]{dir=rtl}); 3 more, on line(s) 13\n"))
