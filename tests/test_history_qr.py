"""Link back to the online version (QR code and versioned address) and revision history."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers import build_fixed, epub_documents, pdf_pages
from pypdf import PdfReader

from pipeline.build import BuildOptions, build
from pipeline.errors import PipelineError
from pipeline.html import handout_context, versioned_url
from pipeline.i18n import messages
from pipeline.manuscript import load_manuscript
from pipeline.model import CitedDocument, Stamp

URL = "https://handouts.example.org/qr-handout"
VERSIONED = f"{URL}?version=1.1.0"
MANUSCRIPT = f"""---
title: A handout with a link back
version: 1.1.0
status: approved
last_updated: 2025-03-01
reviewers: [{{name: A Reviewer, role: Pharmacist, date: 2025-02-27}}]
audiences: [clinician, patient]
canonical_url: {URL}
changes:
  - {{version: 1.0.0, date: 2025-01-10, summary: First edition.}}
  - {{version: 1.1.0, date: 2025-03-01, summary: Shorter dosing section.}}
---

## Section

Text for everyone.
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("qr")
    (folder / "qr.md").write_text(MANUSCRIPT, encoding="utf-8")
    return build_fixed([folder / "qr.md"], folder / "out", jobs=1, bibliography_dir=folder)


def test_the_online_address_carries_the_version():
    assert versioned_url(URL, "1.1.0") == VERSIONED
    assert versioned_url(f"{URL}?lang=es", "2.0.0") == f"{URL}?lang=es&version=2.0.0"
    assert versioned_url(None, "1.0.0") == ""


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_the_pdf_shows_and_links_the_versioned_address(outputs, audience):
    path = outputs / f"qr.{audience}.pdf"
    text = " ".join(" ".join(pdf_pages(path)).split())
    assert f"Online version {VERSIONED}" in text
    links = [a.get_object()["/A"]["/URI"] for page in PdfReader(path).pages
             for a in page.get("/Annots", []) if a.get_object().get("/Subtype") == "/Link"]
    assert VERSIONED in links


def _qr_square(path: Path) -> tuple[tuple[float, float, float, float], Any]:
    """The bounds of the one square drawing (the QR code) on the PDF's last page, and the page."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    pdf = pdfium.PdfDocument(str(path))
    page = pdf[len(pdf) - 1]
    squares = []
    for obj in page.get_objects(max_depth=8):
        if obj.type in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM):
            left, bottom, right, top = obj.get_bounds()
            if right - left > 30 and abs((right - left) - (top - bottom)) < 0.06 * (right - left):
                squares.append((left, bottom, right, top))
    assert len(squares) == 1, squares
    return squares[0], page


def test_the_pdf_has_a_qr_code_of_the_versioned_address(outputs):
    import segno

    (left, bottom, right, top), page = _qr_square(outputs / "qr.clinician.pdf")
    scale = 6
    image = page.render(scale=scale).to_pil().convert("L")
    height = page.get_height()
    # A QR symbol has dark modules on all four edges: the dark pixels near the drawing are it.
    box = (int((left - 4) * scale), int((height - top - 4) * scale),
           int((right + 4) * scale), int((height - bottom + 4) * scale))
    x0, y0, x1, y1 = image.crop(box).point(lambda v: 255 if v < 128 else 0).getbbox()
    x0, x1, y0, y1 = x0 + box[0], x1 + box[0], y0 + box[1], y1 + box[1]
    matrix = segno.make(VERSIONED, error="m").matrix
    size = len(matrix)
    assert abs((x1 - x0) - (y1 - y0)) <= scale
    module_x, module_y = (x1 - x0) / size, (y1 - y0) / size
    read = [[image.getpixel((int(x0 + (col + 0.5) * module_x),
                             int(y0 + (row + 0.5) * module_y))) < 128
             for col in range(size)] for row in range(size)]
    assert read == [[bool(v) for v in row] for row in matrix]


def test_no_qr_code_without_an_online_version(tmp_path):
    text = MANUSCRIPT.replace(f"canonical_url: {URL}\n", "").replace(
        "[clinician, patient]", "[patient]")
    (tmp_path / "plain.md").write_text(text, encoding="utf-8")
    report = build([tmp_path / "plain.md"], BuildOptions(out=tmp_path / "out", jobs=1,
                                                         use_cache=False, formats=("pdf",),
                                                         bibliography_dir=tmp_path))
    assert report.ok
    path = tmp_path / "out" / "plain.patient.pdf"
    assert "Online version" not in " ".join(pdf_pages(path))
    with pytest.raises(AssertionError):
        _qr_square(path)


def test_clinician_pdf_prints_the_revision_history_as_a_table(outputs):
    text = " ".join(" ".join(pdf_pages(outputs / "qr.clinician.pdf")).split())
    assert "Revision history Version Date Summary 1.0.0 January 10, 2025 First edition. " \
        "1.1.0 March 1, 2025 Shorter dosing section." in text
    patient = " ".join(pdf_pages(outputs / "qr.patient.pdf"))
    assert "Revision history" not in patient and "First edition." not in patient


def test_the_epub_colophon_has_the_history_table(outputs):
    docs = epub_documents(outputs / "qr.clinician.epub")
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    [colophon] = [root.find(".//x:section[@id='colophon']", ns) for root in docs.values()
                  if root.find(".//x:section[@id='colophon']", ns) is not None]
    [table] = colophon.findall(".//x:table", ns)
    rows = [[" ".join("".join(cell.itertext()).split()) for cell in tr.findall("x:th", ns)
             + tr.findall("x:td", ns)] for tr in table.iter("{http://www.w3.org/1999/xhtml}tr")]
    assert rows == [["Version", "Date", "Summary"],
                    ["1.0.0", "January 10, 2025", "First edition."],
                    ["1.1.0", "March 1, 2025", "Shorter dosing section."]]
    with zipfile.ZipFile(outputs / "qr.patient.epub") as archive:
        names = [n for n in archive.namelist() if n.endswith(".xhtml")]
        assert not any(b"First edition." in archive.read(n) for n in names)
    assert VERSIONED in " ".join("".join(r.itertext()) for r in docs.values())


def _problems(tmp_path: Path, changes: str, version: str = "1.1.0") -> list[str]:
    text = MANUSCRIPT.split("changes:")[0].replace("version: 1.1.0", f"version: {version}") \
        + "changes:\n" + changes + "---\n\nText.\n"
    path = tmp_path / "h.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PipelineError) as info:
        load_manuscript(path, tmp_path)
    return [str(p).split(": ", 1)[0].rsplit(":", 1)[1] + ": " + str(p).split(": ", 1)[1]
            for p in info.value.problems]


def test_a_change_not_newer_than_the_one_before_is_a_located_error(tmp_path):
    found = _problems(tmp_path, "  - {version: 1.1.0, date: 2025-01-10, summary: First.}\n"
                                "  - {version: 1.0.0, date: 2025-03-01, summary: Second.}\n")
    assert found == ["9: 'changes' entry 2: version 1.0.0 is not newer than 1.1.0 before it"]
    found = _problems(tmp_path, "  - {version: 1.0.0, date: 2025-01-10, summary: First.}\n"
                                "  - {version: 1.0.0, date: 2025-03-01, summary: Again.}\n")
    assert found == ["9: 'changes' entry 2: version 1.0.0 is not newer than 1.0.0 before it"]


def test_a_change_newer_than_the_manuscript_is_a_located_error(tmp_path):
    found = _problems(tmp_path, "  - {version: 1.2.0, date: 2025-01-10, summary: First.}\n")
    assert found == ["9: 'changes' lists version 1.2.0, newer than the manuscript's version 1.1.0"]


def test_the_history_is_in_the_handout_language(tmp_path):
    path = tmp_path / "es.md"
    path.write_text(MANUSCRIPT.replace("audiences:", "lang: es\naudiences:"), encoding="utf-8")
    m, _ = load_manuscript(path, tmp_path)
    stamp = Stamp(m.version, m.status, m.last_updated, m.last_updated, "")
    doc = CitedDocument(m, "clinician", {"blocks": []}, (), "", (), stamp, messages("es"))
    assert handout_context(doc)["history"] == [
        {"version": "1.0.0", "date": "10 de enero de 2025", "summary": "First edition."},
        {"version": "1.1.0", "date": "1 de marzo de 2025", "summary": "Shorter dosing section."}]
