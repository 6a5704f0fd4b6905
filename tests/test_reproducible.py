"""Byte-reproducible builds: same inputs and SOURCE_DATE_EPOCH, same bytes.

Two builds run at once in separate processes, from different working
folders into different output and cache folders, with different hash seeds,
time zones and temporary folders.  Their files must be identical and carry no
path, clock time or random identifier of the machine that built them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
from helpers import EPOCH, ROOT


def _start(out: Path, cwd: Path, manuscripts: str, seed: str, zone: str,
           scratch: Path) -> subprocess.Popen:
    scratch.mkdir(parents=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": seed, "TZ": zone,
           "HANDOUT_CACHE_DIR": str(scratch / "cache"), "TMPDIR": str(scratch)}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", manuscripts, "--out", str(out),
         "--no-cache", "--jobs", "1"],
        cwd=cwd, env={**env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def _contents(path: Path) -> list[bytes]:
    """The file's bytes and everything packed inside it (PDF streams, EPUB members)."""
    blobs = [path.read_bytes()]
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            blobs += [obj.read_bytes() for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
    elif path.suffix == ".epub":
        with zipfile.ZipFile(path) as z:
            blobs += [z.read(name) for name in z.namelist()]
    return blobs


def test_two_builds_in_separate_processes_give_identical_bytes(tmp_path):
    first, second = tmp_path / "first" / "dist", tmp_path / "elsewhere" / "out"
    elsewhere = tmp_path / "workdir"
    elsewhere.mkdir()
    builds = [
        _start(first, ROOT, "manuscripts", "1", "UTC", tmp_path / "scratch-1"),
        _start(second, elsewhere, str(ROOT / "manuscripts"), "4242", "Asia/Kolkata",
               tmp_path / "scratch-2"),
    ]
    for process in builds:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr

    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second).as_posix() for p in second.rglob("*")
                           if p.is_file())
    assert any(name.endswith(".pdf") for name in files)
    assert any(name.endswith(".epub") for name in files)
    assert "index.html" in files and "assets/css/web.css" in files
    for name in files:
        if name != "manifest.json":
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # the manifests differ only in how the source is named from each working folder
    manifests = [json.loads((folder / "manifest.json").read_text()) for folder in (first, second)]
    for entry in manifests[1]["artifacts"]:
        entry["source"] = str(Path(entry["source"]).relative_to(ROOT))
    assert manifests[0] == manifests[1]

    machine = [f"{ROOT}/", f"{tmp_path}/", f"{Path.home()}/", "/tmp/", "file://"]
    for name in files:
        for blob in _contents(first / name):
            found = [m for m in machine if m.encode() in blob]
            assert found == [], f"{name} names a path of the build machine: {found}"


def test_dates_and_identifiers_come_from_the_inputs(built):
    for path in sorted(built.glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            assert str(pdf.docinfo.CreationDate) == "D:20251009000000Z"
            assert str(pdf.docinfo.ModDate) == "D:20251009000000Z"
            meta = pdf.open_metadata()
            assert meta["xmp:ModifyDate"] == "2025-10-09T00:00:00Z"
            assert "xmpMM:DocumentID" not in meta and "xmpMM:InstanceID" not in meta
            permanent = bytes(pdf.trailer.ID[0])
            assert permanent == path.stem.replace(".", "-").encode() + b"-" + \
                str(pdf.Root.Lang).encode()
    for path in sorted(built.glob("*.epub")):
        with zipfile.ZipFile(path) as z:
            assert {info.date_time for info in z.infolist()} == {(2025, 10, 9, 0, 0, 0)}
            assert z.infolist()[0].filename == "mimetype"
            assert z.infolist()[0].compress_type == zipfile.ZIP_STORED


def test_two_checkouts_in_other_folders_give_identical_pdfs_with_pictures(tmp_path, monkeypatch):
    """A picture is named in the PDF by its bytes, not by the folder the checkout lives in."""
    from helpers import PNG_1PX

    from pipeline.build import BuildOptions, build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    pdfs = []
    for checkout in ("first", "second/deeper"):
        folder = tmp_path / checkout
        folder.mkdir(parents=True)
        (folder / "dot.png").write_bytes(PNG_1PX)
        (folder / "m.md").write_text("---\ntitle: Pictures\nversion: 1.0.0\nstatus: draft\n"
                                     "last_updated: 2025-01-02\n---\n\n![A dot](dot.png)\n",
                                     encoding="utf-8")
        report = build([folder / "m.md"], BuildOptions(out=folder / "dist", use_cache=False,
                                                       jobs=1, formats=("pdf",)))
        assert report.ok, [str(p) for p in report.problems]
        pdfs.append((folder / "dist" / "m.clinician.pdf").read_bytes())
    with pikepdf.open(tmp_path / "first" / "dist" / "m.clinician.pdf") as pdf:
        assert any(obj.get("/Subtype") == "/Image" for obj in pdf.objects
                   if isinstance(obj, pikepdf.Stream))
    assert pdfs[0] == pdfs[1]
