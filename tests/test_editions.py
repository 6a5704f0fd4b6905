"""Editions that make sense and marks a reader can follow, read back from the outputs.

Empty sections and unknown boxes are warnings; callout boxes carry a label in
PDF and EPUB; with a superscript-number citation style footnotes take symbols;
in the EPUB citations link to their entries and back, and the online address
is a link.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from helpers import EPOCH, epub_documents, epub_elements, epub_text, epubcheck, pdf_pages

from pipeline.build import BuildOptions, build

BIB = """@article{smith2020,
  author  = {Smith, Jane},
  title   = {Platelet injections for knee pain},
  journal = {Journal of Pain},
  year    = {2020}
}
"""

FRONT = """---
title: "Knee injections"
version: 1.0.0
status: draft
last_updated: 2025-09-01
audiences: [clinician, patient]
bibliography: [refs.bib]
canonical_url: https://handouts.example.org/knee
{extra}---
"""

BODY = """
## Diagnosis

::: {{audience="clinician"}}
Ultrasound confirms the effusion [@smith2020].
:::

## Treatment

Injections may help knee pain [@smith2020, p. 1520].[^1] Rest helps too.[^2] So does
weight loss.[^3]

::: note
Bring a list of your medicines.
:::

::: {{.warning audience="patient"}}
Call your doctor if the knee becomes hot and red.
:::

::: {{.tip audience="clinician"}}
Aspirate before injecting.
:::

::: {{.box audience="patient"}}
A box the pipeline does not know.
:::

[^1]: Doses vary between centres.
[^2]: For a few days.
[^3]: Even a little.

## Cases

(@) A case for everyone.

::: {{audience="clinician"}}
(@dose) A dosing case.
:::

(@rest) A resting case.

As (@rest) shows, and (@dose) for clinicians; `(@rest)` is code.
"""


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("editions")
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    (folder / "knee.md").write_text(FRONT.format(extra="") + BODY.format(), encoding="utf-8")
    (folder / "apa.md").write_text(FRONT.format(extra="csl: apa\nslug: knee-apa\n")
                                   + BODY.format(), encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    mp.chdir(folder)
    try:
        report = build([Path("knee.md"), Path("apa.md")],
                       BuildOptions(out=folder / "out", jobs=1, use_cache=False))
    finally:
        mp.undo()
    assert report.ok, [str(p) for p in report.problems]
    return folder / "out", [str(p) for p in report.problems]


def test_empty_sections_and_unknown_boxes_are_warnings(editions):
    _out, problems = editions
    for name, shift in (("knee.md", 0), ("apa.md", 2)):  # apa.md has two more fields
        assert sorted(p for p in problems if p.startswith(name)) == [
            (f"{name}:{11 + shift}: warning: the heading 'Diagnosis' has nothing under it in "
             "the patient edition: its text is all for other audiences"),
            (f"{name}:{34 + shift}: warning: unknown box 'box': it is shown as plain text; the "
             "known boxes are note, tip, warning (::: note ... :::)"),
            (f"{name}:{52 + shift}: warning: the example (@dose) is not in the patient edition: "
             "its reference is shown there as written; put the reference in the example's "
             "audience block"),
        ]


def test_example_lists_are_numbered_within_each_edition(editions):
    out, _ = editions
    clinician = " ".join(" ".join(pdf_pages(out / "knee.clinician.pdf")).split())
    assert ("(1) A case for everyone. (2) A dosing case. (3) A resting case. As (3) shows, and "
            "(2) for clinicians; (@rest) is code.") in clinician
    patient = " ".join(epub_text(out / "knee.patient.epub").split())
    assert ("As (2) shows, and (@dose) for clinicians; (@rest) is code.") in patient
    items = [(ol.get("start"), [" ".join("".join(li.itertext()).split()) for li in ol])
             for ol in epub_elements(out / "knee.patient.epub", "ol")
             if ol.get("type") or "case" in "".join(ol.itertext())]
    assert items == [(None, ["A case for everyone."]), ("2", ["A resting case."])]


def test_callouts_carry_their_label_in_the_pdf(editions):
    out, _ = editions
    patient = " ".join(" ".join(pdf_pages(out / "knee.patient.pdf")).split())
    assert "Note Bring a list of your medicines." in patient
    assert "Warning Call your doctor if the knee becomes hot and red." in patient
    assert "Aspirate" not in patient
    clinician = " ".join(" ".join(pdf_pages(out / "knee.clinician.pdf")).split())
    assert "Tip Aspirate before injecting." in clinician
    assert "Call your doctor" not in clinician


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_callouts_are_labelled_notes_in_the_epub(editions, audience):
    out, _ = editions
    boxes = [div for div in epub_elements(out / f"knee.{audience}.epub", "div")
             if "callout" in (div.get("class") or "").split()]
    expected = {"clinician": [("note", "Note"), ("tip", "Tip")],
                "patient": [("note", "Note"), ("warning", "Warning")]}[audience]
    assert [(div.get("class").split()[1].removeprefix("callout-"), div.get("aria-label"))
            for div in boxes] == expected
    for div, (_kind, label) in zip(boxes, expected, strict=True):
        assert div.get("role") == "note"
        assert " ".join("".join(div[0].itertext()).split()) == label
        assert div[0].get("class") == "callout-title"


def test_footnotes_take_symbols_with_superscript_citations_in_the_pdf(editions):
    out, _ = editions
    text = "\n".join(pdf_pages(out / "knee.clinician.pdf"))
    assert re.search(r"pain1\(p1520\)\.\* Rest helps too\.† So does\s+weight loss\.‡", text)
    notes = [line for line in text.splitlines() if line.startswith(("*", "†", "‡"))]
    assert notes == ["*\u00a0Doses vary between centres.", "†\u00a0For a few days.",
                     "‡\u00a0Even a little."]


def test_footnotes_keep_numbers_with_author_date_citations(editions):
    out, _ = editions
    text = "\n".join(pdf_pages(out / "knee-apa.clinician.pdf"))
    assert re.search(r"\(Smith, 2020, p\. 1520\)\.1 Rest helps too\.2", text)
    assert "†" not in text


def _epub_parts(path: Path):
    docs = epub_documents(path)
    links = [(name, a) for name, root in docs.items()
             for a in root.iter("{http://www.w3.org/1999/xhtml}a")]
    return docs, links


def test_epub_footnotes_take_symbols(editions):
    out, _ = editions
    docs, links = _epub_parts(out / "knee.clinician.epub")
    calls = [a for _name, a in links if "footnote-ref" in (a.get("class") or "")]
    assert ["".join(a.itertext()) for a in calls] == ["*", "†", "‡"]
    assert all(a.getparent().tag == "{http://www.w3.org/1999/xhtml}sup" for a in calls)
    notes = [" ".join("".join(aside.itertext()).split()) for root in docs.values()
             for aside in root.iter("{http://www.w3.org/1999/xhtml}aside")]
    assert notes == ["* Doses vary between centres.", "† For a few days.", "‡ Even a little."]


def test_epub_citations_link_to_their_entries_and_back(editions):
    out, _ = editions
    docs, links = _epub_parts(out / "knee.patient.epub")
    cites = [a for _name, a in links if a.get("role") == "doc-biblioref"]
    assert [a.get("href").split("#")[1] for a in cites] == ["ref-smith2020"]
    assert "".join(cites[0].itertext()) == "1(p1520)"
    ids = {element.get("id"): name for name, root in docs.items() for element in root.iter()
           if element.get("id")}
    file_of_entry = ids["ref-smith2020"]
    assert cites[0].get("href").split("#")[0] in ("", file_of_entry.rsplit("/", 1)[1])
    [back] = [a for _name, a in links if a.get("role") == "doc-backlink"]
    assert back.get("href").split("#")[1] == cites[0].get("id")
    assert back.get("aria-label") == "Back to citation 1"


def test_epub_online_version_is_a_link_and_the_pdf_qr_code_says_its_address(editions):
    out, _ = editions
    url = "https://handouts.example.org/knee?version=1.0.0"
    _docs, links = _epub_parts(out / "knee.patient.epub")
    assert [a.get("href") for _name, a in links if "".join(a.itertext()) == url] == [url]
    with pikepdf.open(out / "knee.patient.pdf") as pdf:
        alts = [str(obj.Alt) for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and "/Alt" in obj]
    assert f"QR code linking to the online version: {url}" in alts


def test_the_epubs_pass_epubcheck(editions):
    out, _ = editions
    results = epubcheck(sorted(out.glob("*.epub")))
    assert {path.name: messages for path, messages in results.items()} == {
        path.name: [] for path in results}


def test_the_web_page_styles_its_callouts_with_the_shared_stylesheet(editions):
    from lxml import html

    out, _ = editions
    page = html.parse(str(out / "knee.patient.html")).getroot()
    sheets = [link.get("href") for link in page.iter("link") if link.get("rel") == "stylesheet"]
    assert "assets/css/callouts.css" in sheets
    assert (out / "assets" / "css" / "callouts.css").read_bytes() == (
        Path(__file__).resolve().parent.parent / "styles" / "css" / "callouts.css").read_bytes()
    boxes = [(div.get("class"), div.get("role"), div.get("aria-label"))
             for div in page.iter("div") if "callout" in (div.get("class") or "").split()]
    assert boxes == [("callout callout-note", "note", "Note"),
                     ("callout callout-warning audience-patient", "note", "Warning")]
