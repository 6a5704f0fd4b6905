"""Accessible EPUB 3: language, navigation, landmarks and EPUB Accessibility 1.1 metadata."""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path

import pytest
from helpers import build_fixed, epub_opf, epubcheck
from lxml import etree

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
A11Y = {"schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
        "schema:accessibilityHazard", "schema:accessibilitySummary", "dcterms:conformsTo",
        "a11y:certifiedBy"}
TEXT_ONLY = [
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityHazard", "none"),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
    ("a11y:certifiedBy", "handout-pipeline"),
]
EXAMPLES = ["regen-pain.clinician", "prp-spine-pain.clinician", "prp-spine-pain.patient"]


def _a11y(path: Path) -> list[tuple[str, str]]:
    return sorted((m.get("property"), m.text) for m in epub_opf(path).iter(f"{OPF}meta")
                  if m.get("property") in A11Y and m.get("property") != "schema:accessibilitySummary")


def _archive(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as z:
        return {n: etree.parse(io.BytesIO(z.read(n))).getroot()
                for n in z.namelist() if n.endswith((".xhtml", ".opf"))}


def _targets(docs: dict[str, etree._Element]) -> set[str]:
    """Every ``file`` and ``file#id`` a link inside the book may point at."""
    found = set()
    for name, root in docs.items():
        found.add(name)
        found.update(f"{name}#{e.get('id')}" for e in root.iter() if e.get("id"))
    return found


@pytest.fixture(scope="module")
def spanish(tmp_path_factory) -> Path:
    """A Spanish handout with an image, as EPUB."""
    from PIL import Image

    tmp = tmp_path_factory.mktemp("es")
    Image.new("RGB", (40, 20), (30, 107, 52)).save(tmp / "zonas.png")
    (tmp / "zonas.md").write_text("""---
title: Zonas de inyección
version: 1.0.0
status: approved
last_updated: 2025-06-01
reviewers: [{name: Revisora Núñez, role: Farmacéutica, date: 2025-05-30}]
lang: es-ES
---

## Dónde se inyecta

![Tres zonas de inyección en la parte baja de la columna](zonas.png)

La dosis es ≥ 5 µg; la acción dura 6–8 h.
""", encoding="utf-8")
    build_fixed([tmp / "zonas.md"], tmp / "out", jobs=1, formats=("epub",))
    return tmp / "out" / "zonas.clinician.epub"


@pytest.mark.parametrize("name", EXAMPLES)
def test_accessibility_metadata_of_a_text_only_handout(built, name):
    path = built / f"{name}.epub"
    assert _a11y(path) == sorted(TEXT_ONLY)
    opf = epub_opf(path)
    assert opf.get("version") == "3.0"
    summary = [m.text for m in opf.iter(f"{OPF}meta")
               if m.get("property") == "schema:accessibilitySummary"]
    assert len(summary) == 1 and len(summary[0]) > 40
    assert opf.get(XML_LANG) == "en-US"
    assert opf.find(f"{OPF}metadata/{DC}language").text == "en-US"


@pytest.mark.parametrize("name", EXAMPLES)
def test_navigation_landmarks_language_and_titles(built, name):
    docs = _archive(built / f"{name}.epub")
    targets = _targets(docs)
    [nav_name] = [n for n in docs if n.endswith("nav.xhtml")]
    nav = docs[nav_name]
    navs = {n.get(EPUB_TYPE): n for n in nav.iter(f"{XHTML}nav")}
    assert set(navs) == {"toc", "landmarks"}

    def resolve(href: str) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(nav_name), href))
        return target if not href.startswith("#") else nav_name + href

    toc = [(a.text, resolve(a.get("href"))) for a in navs["toc"].iter(f"{XHTML}a")]
    assert all(target in targets for _, target in toc), toc
    labels = [text for text, _ in toc]
    assert "References" in labels and "About this handout" in labels
    assert any(label.startswith("Disclaimer") for label in labels)
    marks = {a.get(EPUB_TYPE): (a.text, resolve(a.get("href")))
             for a in navs["landmarks"].iter(f"{XHTML}a")}
    assert set(marks) == {"toc", "bodymatter", "bibliography"}
    assert marks["toc"][0] == "Contents"
    assert all(target in targets for _, target in marks.values()), marks
    assert marks["bibliography"][1].endswith("#references")
    bibliography = marks["bibliography"][1].split("#")[0]
    [section] = [s for s in docs[bibliography].iter(f"{XHTML}section")
                 if s.get("id") == "references"]
    assert section.get(EPUB_TYPE) == "bibliography"
    for doc_name, root in docs.items():
        if doc_name.endswith(".xhtml"):
            assert root.get("lang") == root.get(XML_LANG) == "en-US", doc_name
            title = root.find(f"{XHTML}head/{XHTML}title").text
            assert title and not title.endswith(".xhtml"), (doc_name, title)


def test_a_spanish_handout_with_an_image_is_described_and_passes_epubcheck(spanish):
    metas = _a11y(spanish)
    assert ("schema:accessMode", "visual") in metas
    assert ("schema:accessibilityFeature", "alternativeText") in metas
    assert ("schema:accessModeSufficient", "textual") in metas
    docs = _archive(spanish)
    images = [img for root in docs.values() for img in root.iter(f"{XHTML}img")]
    assert [img.get("alt") for img in images] == [
        "Tres zonas de inyección en la parte baja de la columna"]
    for doc_name, root in docs.items():
        if doc_name.endswith(".xhtml"):
            assert root.get("lang") == root.get(XML_LANG) == "es-ES", doc_name
    opf = next(root for name, root in docs.items() if name.endswith(".opf"))
    assert opf.get(XML_LANG) == "es-ES"
    assert epubcheck([spanish]) == {spanish: []}
