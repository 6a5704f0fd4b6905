"""Nothing lost: atomic output files, a manifest never half-written, kills survived.

The kill tests run a real build in a subprocess and stop it with SIGINT,
SIGTERM or SIGKILL: either in the middle of writing a file (a driver wraps
the low-level write so the signal arrives with half the bytes written), or
at an arbitrary moment of the build.  Afterwards the output folder holds
only complete files: the previous ones, or new ones.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ROOT, interruptible, pdf_pages

from pipeline import cli, output
from pipeline.output import TMP_PREFIX, sweep_temporaries, write_atomic

MANUSCRIPT = """---
title: "Handout {name}"
version: 1.0.0
status: draft
last_updated: 2025-09-18
---
{text}
"""


# ------------------------------------------------------------ write_atomic

@pytest.fixture(params=["unnamed", "named"])
def temp_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of writing: an O_TMPFILE inode, and a hidden temporary name."""
    if request.param == "named":
        monkeypatch.setattr(output, "_unnamed_file", lambda dir_fd: -1)
    return request.param


def test_write_atomic_creates_and_replaces(tmp_path, temp_kind):
    target = tmp_path / "out" / "a.pdf"
    write_atomic(target, b"first")
    write_atomic(target, b"second version")
    assert target.read_bytes() == b"second version"
    assert os.listdir(tmp_path / "out") == ["a.pdf"]


def test_a_file_given_in_pieces_is_written_whole(tmp_path, temp_kind, monkeypatch):
    calls = []

    def pieces():
        calls.append("called")
        yield b"%PDF-written "
        yield b"in pieces"

    write_atomic(tmp_path / "a.pdf", pieces)
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-written in pieces"
    assert calls == ["called"]

    def no_proc(fd, name, dir_fd):
        raise OSError(errno.ENOENT, "No such file or directory")

    monkeypatch.setattr(output, "_link", no_proc)  # the unnamed file cannot be named
    write_atomic(tmp_path / "a.pdf", pieces)
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-written in pieces"
    assert calls == ["called"] * (3 if temp_kind == "unnamed" else 2)  # written again
    assert os.listdir(tmp_path) == ["a.pdf"]


def test_the_manifest_written_in_pieces_reads_as_json_dumps_writes_it(tmp_path):
    entries = [{"path": f"h{i:04d}.patient.pdf", "title": "Schmerz – Übersicht ✓",
                "bytes": i, "reading_grade": 7.5, "errors": [], "note": None}
               for i in range(2000)]  # over a megabyte of text: many blocks
    manifest = {"artifacts": entries, "errors": [{"source": "a.md", "line": 3}],
                "warnings": []}
    output.write_manifest(tmp_path, manifest)
    assert (tmp_path / "manifest.json").read_bytes() == (
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, temp_kind, monkeypatch):
    target = tmp_path / "a.pdf"
    write_atomic(target, b"%PDF-old complete file")
    real = output._write_all

    def disk_full(fd: int, data: bytes) -> None:
        real(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "_write_all", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"%PDF-new file that never completes")
    assert target.read_bytes() == b"%PDF-old complete file"
    assert os.listdir(tmp_path) == ["a.pdf"]


def test_interrupted_write_leaves_no_temporary(tmp_path, temp_kind, monkeypatch):
    real = output._write_all

    def interrupted(fd: int, data: bytes) -> None:
        real(fd, data[:3])
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "new.pdf", b"%PDF-never named")
    assert os.listdir(tmp_path) == []


def test_leftover_temporaries_are_swept(tmp_path):
    (tmp_path / f"{TMP_PREFIX}0123456789ab").write_bytes(b"%PDF-half")
    (tmp_path / "a.pdf").write_bytes(b"%PDF-kept")
    sweep_temporaries(tmp_path)
    assert os.listdir(tmp_path) == ["a.pdf"]


# ------------------------------------------------------------ builds killed

def _cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    return cli.main(list(argv), io.StringIO(), err), err.getvalue()


@pytest.fixture
def previous_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A good build of one handout in tmp_path/dist, then a changed manuscript."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    source = tmp_path / "a.md"
    source.write_text(MANUSCRIPT.format(name="A", text="Old wording."))
    status, err = _cli("build", "a.md", "--out", "dist", "--format", "pdf", "--jobs", "1",
                       "--no-cache")
    assert status == 0, err
    dist = tmp_path / "dist"
    old = {p.name: p.read_bytes() for p in dist.iterdir()}
    source.write_text(MANUSCRIPT.format(name="A", text="New wording."))
    return {"dist": dist, "old": old}


def _assert_complete(dist: Path, old: dict[str, bytes], *, allow_temporary: bool = False) -> str:
    """Only complete files: each the previous version or a whole new one.

    Returns which version the PDF is: "old" or "new".
    """
    names = sorted(os.listdir(dist))
    temporaries = [n for n in names if n.startswith(TMP_PREFIX)]
    assert not temporaries or allow_temporary, names
    assert [n for n in names if n not in temporaries] == ["a.clinician.pdf", "manifest.json"]
    manifest_bytes = (dist / "manifest.json").read_bytes()
    assert manifest_bytes == old["manifest.json"] or json.loads(manifest_bytes)["errors"] == []
    manifest = json.loads(manifest_bytes)  # never half-written: it parses
    pdf = (dist / "a.clinician.pdf").read_bytes()
    if pdf == old["a.clinician.pdf"]:
        version = "old"
    else:
        assert pdf.rstrip().endswith(b"%%EOF")
        assert "New wording." in pdf_pages(dist / "a.clinician.pdf")[0]
        version = "new"
    if manifest_bytes != old["manifest.json"]:  # a new manifest describes the new file
        assert manifest["artifacts"][0]["sha256"] == hashlib.sha256(pdf).hexdigest()
    return version


def fill_disk(monkeypatch: pytest.MonkeyPatch, module: str, full: Callable[[Path], bool]) -> None:
    """``module``'s ``write_atomic`` fails as a full disk does for the paths ``full`` picks."""
    real = output.write_atomic

    def write(path: Path, data: bytes) -> None:
        if full(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(f"{module}.write_atomic", write)


def test_disk_full_keeps_the_previous_file_and_says_where(previous_build, monkeypatch):
    dist, old = previous_build["dist"], previous_build["old"]

    # the output fails; the small manifest fits
    fill_disk(monkeypatch, "pipeline.output", lambda path: path.name != "manifest.json")
    status, err = _cli("build", "a.md", "--out", "dist", "--format", "pdf", "--jobs", "1",
                       "--no-cache")
    assert status == 1
    assert ("dist/a.clinician.pdf: cannot write the output: the disk is full (No space left on "
            "device): free some space") in err.splitlines()
    assert (dist / "a.clinician.pdf").read_bytes() == old["a.clinician.pdf"]
    manifest = json.loads((dist / "manifest.json").read_text())
    assert manifest["artifacts"] == json.loads(old["manifest.json"])["artifacts"]
    assert manifest["errors"] == [{"source": "dist/a.clinician.pdf", "line": None,
                                   "message": "cannot write the output: the disk is full (No "
                                              "space left on device): free some space"}]


def test_a_full_disk_while_writing_the_web_pages_fonts_names_the_font(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    (tmp_path / "a.md").write_text(MANUSCRIPT.format(name="A", text="Text."))
    fill_disk(monkeypatch, "pipeline.site", lambda path: path.suffix == ".ttf")
    status, err = _cli("build", "a.md", "--out", "dist", "--format", "html", "--jobs", "1",
                       "--no-cache")
    assert status == 1
    failed = [line for line in err.splitlines() if "No space" in line]
    assert len(failed) == 1 and failed[0].startswith("dist/assets/fonts/"), err
    assert failed[0].endswith(".ttf: cannot write the file: the disk is full (No space left on "
                              "device): free some space; the previous file, if any, is kept")

def test_two_builds_into_one_folder_at_once_keep_each_others_files(tmp_path, monkeypatch):
    """The second waits for the first: had both read the manifest first, the one that wrote
    it last would have left the other's files out of it."""
    import threading

    from pipeline import build as build_mod

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text(MANUSCRIPT.format(name=name, text="Text."))
    options = build_mod.BuildOptions(out=Path("dist"), jobs=1, formats=("html",),
                                     use_cache=False)
    reports, inside = {}, threading.Event()
    second = threading.Thread(target=lambda: reports.update(b=build_mod.build([Path("b.md")],
                                                                              options)))
    real_folder, real_sweep = build_mod.OutputFolder, build_mod.sweep_temporaries

    def sweep(folder: Path) -> None:
        if threading.current_thread() is second:
            inside.set()
        real_sweep(folder)

    def folder_read_then_second_build(out: Path):
        folder = real_folder(out)  # this build has read the manifest
        if threading.current_thread() is not second:
            second.start()
            if inside.wait(1):  # the second build was let in: let it finish first
                second.join()
        return folder

    monkeypatch.setattr(build_mod, "sweep_temporaries", sweep)
    monkeypatch.setattr(build_mod, "OutputFolder", folder_read_then_second_build)
    reports["a"] = build_mod.build([Path("a.md")], options)
    second.join()
    assert reports["a"].ok and reports["b"].ok
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text())
    assert [a["path"] for a in manifest["artifacts"]] == ["a.clinician.html", "b.clinician.html"]

def test_a_build_that_waits_for_another_into_its_folder_says_so(tmp_path, monkeypatch):
    """Two CI jobs on one folder: the second's log would show nothing for minutes."""
    import fcntl
    import threading

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    (tmp_path / "a.md").write_text(MANUSCRIPT.format(name="a", text="Text."))
    (tmp_path / "dist").mkdir()
    other = os.open(tmp_path / "dist", os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(other, fcntl.LOCK_EX)  # another build's hold on the folder
    err, status = io.StringIO(), []
    waiting = threading.Thread(target=lambda: status.append(cli.main(
        ["build", "a.md", "-f", "html", "-j", "1", "--no-cache"], io.StringIO(), err)))
    waiting.start()
    deadline = time.monotonic() + 30
    while "waiting" not in err.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    said = err.getvalue()
    os.close(other)
    waiting.join(timeout=60)
    assert said == ("dist: another build is writing into this folder: waiting for it to "
                    "finish\n")
    assert status == [0] and (tmp_path / "dist" / "a.clinician.html").is_file()


DRIVER = textwrap.dedent("""
    import os, signal, sys
    from pipeline import cli, output

    signum, when, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    real = output._write_all

    def write_then_die(fd, data):
        if data.startswith(b"{") == (when == "manifest"):
            real(fd, data[: len(data) // 2])
            os.kill(os.getpid(), signum)
        real(fd, data)

    output._write_all = write_then_die
    if kind == "named":
        output._unnamed_file = lambda dir_fd: -1
    sys.exit(cli.main(sys.argv[4:]))
""")


@pytest.mark.parametrize(("signum", "when", "kind"), [
    (signal.SIGKILL, "pdf", "unnamed"),
    (signal.SIGKILL, "manifest", "unnamed"),
    (signal.SIGINT, "pdf", "named"),
    (signal.SIGTERM, "manifest", "named"),
])
def test_build_killed_in_the_middle_of_a_write(previous_build, signum, when, kind):
    dist, old = previous_build["dist"], previous_build["old"]
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(int(signum)), when, kind, "build", "a.md", "--out",
         "dist", "--format", "pdf", "--jobs", "1", "--no-cache"],
        capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=interruptible,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    expected = {signal.SIGKILL: -signal.SIGKILL, signal.SIGINT: 130, signal.SIGTERM: 143}
    assert result.returncode == expected[signum], result.stderr
    assert "Traceback" not in result.stderr
    version = _assert_complete(dist, old)
    # The PDF is renamed into place before the manifest is written.
    assert version == ("old" if when == "pdf" else "new")
    assert (dist / "manifest.json").read_bytes() == old["manifest.json"]


def test_sigkill_without_unnamed_files_leaves_only_a_hidden_temporary_the_next_build_sweeps(
        previous_build):
    dist, old = previous_build["dist"], previous_build["old"]
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(int(signal.SIGKILL)), "pdf", "named", "build", "a.md",
         "--out", "dist", "--format", "pdf", "--jobs", "1", "--no-cache"],
        capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=interruptible,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -signal.SIGKILL
    assert _assert_complete(dist, old, allow_temporary=True) == "old"
    status, err = _cli("build", "a.md", "--out", "dist", "--format", "pdf", "--jobs", "1")
    assert status == 0, err
    assert sorted(os.listdir(dist)) == ["a.clinician.pdf", "manifest.json"]
    assert _assert_complete(dist, old) == "new"


def _importing_pipeline(line: str) -> bool:
    """A line of ``-X importtime`` for a module of the pipeline's own package."""
    name = line.rsplit("|", 1)[-1].strip()
    return line.startswith("import time:") and (name == "pipeline"
                                                 or name.startswith("pipeline."))


@pytest.mark.parametrize(("signum", "delay"), [
    (signal.SIGINT, 0.2),  # starting up: importing its modules
    (signal.SIGTERM, 1.0),  # checking and rendering
    (signal.SIGKILL, 1.6),  # rendering
])
def test_build_killed_at_an_arbitrary_moment(previous_build, signum, delay):
    """The delay counts from the pipeline's first module imported, not from the launch.

    A signal landing while Python itself starts (reading its site packages)
    meets the interpreter, not the pipeline: Python's own fatal start-up error.
    ``-X importtime`` tells on stderr when Python's start-up is over.
    """
    import threading

    dist, old = previous_build["dist"], previous_build["old"]
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "pipeline", "build", "a.md", "--out", "dist",
         "--format", "pdf", "--jobs", "1", "--no-cache"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        preexec_fn=interruptible,  # noqa: PLW1509 - only resets a signal disposition
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        for line in process.stderr:
            if _importing_pipeline(line):
                started.set()
            else:
                lines.append(line)
        started.set()  # ended before (it never should)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert started.wait(120), "the pipeline's modules were never imported"
    time.sleep(delay)
    process.send_signal(signum)
    process.wait(timeout=120)
    reader.join(timeout=30)
    err = "".join(line for line in lines if not line.startswith("import time:"))
    version = _assert_complete(dist, old)
    if process.returncode == 0:  # finished before the signal arrived
        assert version == "new"
    else:
        assert process.returncode in (-signum, 128 + signum, 130), err
        assert "Traceback" not in err or "KeyboardInterrupt" in err, err
