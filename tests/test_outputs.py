"""The example handouts, opened as a reader would open them."""

from __future__ import annotations

import hashlib
import re

import pytest
from helpers import epub_opf, epub_text, epubcheck, pdf_pages
from pypdf import PdfReader

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
EDITIONS = [
    ("regen-pain", "clinician", "1.2.0", "under-review"),
    ("prp-spine-pain", "clinician", "2.0.1", "approved"),
    ("prp-spine-pain", "patient", "2.0.1", "approved"),
]
SPANISH_EDITIONS = [  # opened in Spanish by test_i18n.py
    ("prp-columna-es", "clinician", "1.0.0", "approved"),
    ("prp-columna-es", "patient", "1.0.0", "approved"),
]


def test_manifest_lists_every_file_with_its_checksum(built, manifest):
    paths = sorted(a["path"] for a in manifest["artifacts"])
    assert paths == sorted(f"{s}.{a}.{f}" for s, a, _, _ in EDITIONS + SPANISH_EDITIONS
                           for f in ("pdf", "epub", "html"))
    assert manifest["errors"] == []
    for artifact in manifest["artifacts"]:
        data = (built / artifact["path"]).read_bytes()
        assert artifact["sha256"] == hashlib.sha256(data).hexdigest()
        assert artifact["bytes"] == len(data)
        assert artifact["source"].endswith(f"manuscripts/{artifact['manuscript']}.md")
        assert artifact["lang"] == ("es-ES" if artifact["manuscript"].endswith("-es") else "en-US")
    assert sorted(p.name for p in built.iterdir()) == sorted(paths + ["assets", "index.html",
                                                                      "manifest.json"])


@pytest.mark.parametrize(("slug", "audience", "version", "status"), EDITIONS)
def test_every_pdf_page_carries_the_stamp(built, slug, audience, version, status):
    pages = pdf_pages(built / f"{slug}.{audience}.pdf")
    assert pages
    for number, text in enumerate(pages, 1):
        flat = " ".join(text.split())
        assert f"Version {version}" in flat
        assert status.replace("-", " ") in flat
        assert "Last updated" in flat and "Built 2025-10-09" in flat
        assert re.search(r"Source ([0-9a-f]{10}|unknown)", flat)
        assert f"Page {number} of {len(pages)}" in flat


@pytest.mark.parametrize(("slug", "audience", "version", "status"), EDITIONS)
def test_draft_watermark_and_banner_exactly_when_not_approved(built, slug, audience, version,
                                                              status):
    pages = pdf_pages(built / f"{slug}.{audience}.pdf")
    approved = status == "approved"
    for text in pages:
        assert ("DRAFT" in text) is not approved
    assert ("Not approved: pending review" in pages[0]) is not approved
    assert ("Not approved: pending review" in epub_text(built / f"{slug}.{audience}.epub")) \
        is not approved


@pytest.mark.parametrize(("slug", "audience", "version", "status"), EDITIONS)
def test_disclaimer_for_the_audience(built, slug, audience, version, status):
    heading = {"clinician": "Disclaimer for Healthcare Professionals",
               "patient": "Disclaimer: Please Read"}[audience]
    other = {"clinician": "Disclaimer: Please Read",
             "patient": "Disclaimer for Healthcare Professionals"}[audience]
    pdf = " ".join(" ".join(pdf_pages(built / f"{slug}.{audience}.pdf")).split())
    epub = " ".join(epub_text(built / f"{slug}.{audience}.epub").split())
    for text in (pdf, epub):
        assert heading in text and other not in text


def test_audience_blocks_only_in_their_edition(built):
    clinician = " ".join(" ".join(pdf_pages(built / "prp-spine-pain.clinician.pdf")).split())
    patient = " ".join(" ".join(pdf_pages(built / "prp-spine-pain.patient.pdf")).split())
    assert "autologous concentrate" in clinician and "autologous concentrate" not in patient
    assert "small sample of your own" in patient and "small sample of your own" not in clinician
    epub_patient = epub_text(built / "prp-spine-pain.patient.epub")
    assert "autologous" not in epub_patient and "your own" in epub_patient
    # text outside audience blocks is in both
    assert "not covered by insurance" in clinician and "not covered by insurance" in patient


def _reference_list(text: str) -> list[str]:
    refs = text.split("References", 1)[1].split("Disclaimer", 1)[0]
    return re.findall(r"^\s*(\d+)\.\s", refs, re.MULTILINE)


def test_in_text_numbers_match_the_reference_list(built):
    text = "\n".join(pdf_pages(built / "regen-pain.clinician.pdf"))
    listed = _reference_list(text)
    assert listed == ["1", "2", "3", "4"]
    assert "Regenerative medicine for axial and radicular spine-related pain" in text
    assert "Guideline Directed Topic Overview. Dr.Oracle Medical Advisory Board & Editors" \
        in " ".join(text.split())
    # every kind is shown as the seed shows it
    assert text.count("Research\n") >= 2 and text.count("Guideline\n") >= 2
    # the patient edition cites fewer sources, numbered from 1 without gaps
    patient = "\n".join(pdf_pages(built / "prp-spine-pain.patient.pdf"))
    assert _reference_list(patient) == ["1", "2"]


def test_pdf_metadata(built):
    reader = PdfReader(built / "prp-spine-pain.patient.pdf")
    info = reader.metadata
    assert info.title == "Platelet-rich plasma injections for back and neck pain"
    assert info.author == "Clinical Editorial Team"
    assert "Patient edition" in info.subject
    assert "version 2.0.1" in info["/Keywords"]
    assert info["/handoutversion"] == "2.0.1"
    assert info["/handoutstatus"] == "approved"
    assert info["/handoutaudience"] == "patient"
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", info["/handoutsourcecommit"])


def test_epub_metadata_and_stamp(built):
    opf = epub_opf(built / "prp-spine-pain.clinician.epub")
    identifier = opf.find(f"{OPF}metadata/{DC}identifier").text
    other = epub_opf(built / "prp-spine-pain.patient.epub").find(f"{OPF}metadata/{DC}identifier")
    assert identifier.startswith("urn:uuid:") and identifier != other.text
    metas = {m.get("property"): m.text for m in opf.iter(f"{OPF}meta") if m.get("property")}
    assert metas["dcterms:modified"] == "2025-10-09T00:00:00Z"
    assert metas["handout:version"] == "2.0.1"
    assert metas["handout:audience"] == "clinician"
    text = " ".join(epub_text(built / "prp-spine-pain.clinician.epub").split())
    assert "Version 2.0.1" in text and "Built 2025-10-09" in text
    assert "Revision history" in text and "Added the patient edition." in text


def test_epubcheck_reports_nothing(built):
    paths = sorted(built.glob("*.epub"))
    assert len(paths) == 5
    assert epubcheck(paths) == {path: [] for path in paths}


def test_epubcheck_would_see_a_broken_book(built, tmp_path):
    import zipfile

    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(built / "regen-pain.clinician.epub") as src, \
            zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            if not info.filename.endswith("nav.xhtml"):
                dst.writestr(info, src.read(info.filename))
    messages = epubcheck([broken])[broken]
    assert any(severity in ("ERROR", "FATAL") for severity, _, _ in messages), messages
