"""An HTML comment in a front-matter value is never shown nor written into any file."""

from __future__ import annotations

import zipfile

import pikepdf
from helpers import build_fixed

from pipeline.frontmatter import without_comments


def test_comments_are_left_out_of_every_text_of_a_value():
    assert without_comments({"title": "Knee pain <!-- ask Dr X -->", "n": 3,
                             "people": [{"name": "Ana<!-- a\nb -->", "role": "<!--x-->Writer"}],
                             "open": "Text <!-- never closed"}) == {
        "title": "Knee pain", "n": 3, "people": [{"name": "Ana", "role": "Writer"}],
        "open": "Text"}


def test_no_output_holds_a_front_matter_comment(tmp_path):
    (tmp_path / "m.md").write_text(
        '---\ntitle: "Knee pain <!-- PRIVATE-TITLE -->"\n'
        'subtitle: "For <!-- PRIVATE-SUBTITLE --> adults"\n'
        'summary: "What helps <!-- PRIVATE-SUMMARY -->"\nversion: 1.0.0\nstatus: draft\n'
        'last_updated: 2025-06-01\n'
        'authors: [{name: "Ana Writer <!-- PRIVATE-AUTHOR -->", role: Writer}]\n'
        'changes: [{version: 1.0.0, date: 2025-06-01, summary: "First. <!-- PRIVATE-CHANGE'
        ' -->"}]\n---\n\nText.\n', encoding="utf-8")
    out = build_fixed([tmp_path / "m.md"], tmp_path / "out", jobs=1)
    files = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with zipfile.ZipFile(out / "m.clinician.epub") as epub:
        files.update({n: epub.read(n) for n in epub.namelist()})
    with pikepdf.open(out / "m.clinician.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == "Knee pain"
        assert str(pdf.docinfo["/Author"]) == "Ana Writer"
        for number, obj in enumerate(pdf.objects):
            if isinstance(obj, pikepdf.Stream):
                files[f"pdf object {number}"] = obj.read_bytes()
    assert b"For adults" in files["m.clinician.html"]
    for name, data in files.items():
        assert b"PRIVATE-" not in data and b"&lt;!--" not in data, name
