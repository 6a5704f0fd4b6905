"""Languages: a Spanish handout reads in Spanish throughout; no half-English outputs."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import string
import zipfile
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, epub_opf, pdf_pages
from pypdf import PdfReader

from pipeline import i18n
from pipeline.bibtex import load_bibliographies
from pipeline.build import BuildOptions, build, check
from pipeline.errors import PipelineError, Problems, display_path
from pipeline.manuscript import load_manuscript
from pipeline.model import Stamp
from pipeline.prepare import prepare

LOCALES = ROOT / "styles" / "locales"
CATALOGUES = sorted(p.stem for p in LOCALES.glob("*.yaml"))
# English the libraries underneath would print if the catalogues did not step in.
LIBRARY_ENGLISH = ["Table of Contents", "Advance online publication", "Accessed", "Available at",
                   "Disclaimer", "Page", "of a medical handout", "uncommitted changes",
                   "QR code", "Source manuscript", "Cited references"]


def catalogue(language: str) -> dict[str, str]:
    return yaml.safe_load((LOCALES / f"{language}.yaml").read_text(encoding="utf-8"))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_catalogue_translates_every_fixed_string(language):
    english, words = catalogue("en"), catalogue(language)
    assert sorted(k for k in english if k not in words) == []
    for key, text in words.items():
        assert isinstance(text, str) and text.strip(), key
        if key in english:
            assert fields(text) == fields(english[key]), key


def test_supported_languages_are_english_and_spanish():
    assert i18n.supported_languages() == ["en", "es"]


def test_a_catalogue_that_lacks_a_key_is_an_error(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles" / "locales", styles / "locales")
    path = styles / "locales" / "es.yaml"
    path.write_text(re.sub(r"(?m)^watermark: .*\n", "", path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    with pytest.raises(PipelineError) as info:
        i18n.messages("es-ES", styles)
    assert str(info.value) == (f"{display_path(path)}: the 'es' catalogue lacks 'watermark': "
                               "every fixed string of a handout must be translated")


def test_an_unsupported_language_is_a_located_error_and_nothing_is_built(tmp_path):
    path = tmp_path / "fr.md"
    path.write_text("---\ntitle: Un document\nversion: 1.0.0\nstatus: draft\n"
                    "last_updated: 2025-03-01\nlang: fr-FR\n---\n\nTexte.\n", encoding="utf-8")
    report = check([path], BuildOptions(bibliography_dir=tmp_path))
    assert [str(p) for p in report.problems] == [
        (f"{display_path(path)}:6: language 'fr-FR' is not supported; supported: en, es (to "
        "add it, translate styles/locales/en.yaml as styles/locales/fr.yaml and each "
        "disclaimer, styles/disclaimers/NAME.en.md, as NAME.fr.md)")]
    report = build([path], BuildOptions(out=tmp_path / "out", jobs=1, use_cache=False,
                                        bibliography_dir=tmp_path))
    assert not report.ok and not list((tmp_path / "out").glob("fr.*"))


def test_dates_are_written_as_readers_of_the_language_write_them():
    day = dt.date(2025, 11, 5)
    assert i18n.format_date(day, "es-ES") == "5 de noviembre de 2025"
    assert i18n.format_date(day, "es") == "5 de noviembre de 2025"
    assert i18n.format_date(day, "en-US") == "November 5, 2025"


# ---------------------------------------------------------------- the Spanish example

def flat(text: str) -> str:
    """Text as a reader sees it: words broken by hyphenation joined, spaces collapsed."""
    return " ".join(re.sub(r"[\u2010-]\n", "", text).split())


def without_sources(text: str, slug: str) -> str:
    """``text`` without the titles, journals and bodies of the sources it cites (data, not
    fixed strings: an English source keeps its English title)."""
    m, _ = load_manuscript(ROOT / "manuscripts" / f"{slug}.md", ROOT / "bibliography")
    entries = load_bibliographies(m.bibliography, Problems())
    for entry in entries.values():
        for name, value in entry.fields:
            if name in ("title", "journal", "institution", "booktitle", "publisher"):
                value = " ".join(re.sub(r"\\(.)", r"\1", value).replace("{", "").replace(
                    "}", "").split())
                text = re.sub(re.escape(value), " ", text, flags=re.IGNORECASE)
    return text


def english_left(text: str) -> list[str]:
    """The English fixed strings found in ``text``."""
    english, spanish = catalogue("en"), catalogue("es")
    phrases = {v for k, v in english.items() if spanish.get(k) != v and len(v) > 2}
    phrases |= {v.split("{")[0].strip() for v in phrases if "{" in v}
    phrases |= set(LIBRARY_ENGLISH)
    return sorted(p for p in phrases if p and "{" not in p
                  and re.search(r"(?<!\w)" + re.escape(p) + r"(?!\w)", text))


def test_the_spanish_patient_pdf_reads_entirely_in_spanish(built):
    pages = pdf_pages(built / "prp-columna-es.patient.pdf")
    for number, page in enumerate(pages, 1):
        text = flat(page)
        assert f"Página {number} de {len(pages)}" in text
        assert "Versión 1.0.0 · aprobado · Última actualización 5 de octubre de 2025 · " \
            "Generado 2025-10-09 · Fuente" in text
    text = flat("\n".join(pages))
    for phrase in ("Edición para pacientes", "Estado: aprobado",
                   "Próxima revisión: 5 de octubre de 2027", "Revisado por:", "Referencias", "Investigación",
                   "Guía clínica", "Publicación anticipada en línea 2020",
                   "Aviso importante: léalo, por favor", "Este documento explica un tema de salud",
                   "Acerca de este documento"):
        assert phrase in text, phrase
    assert "BORRADOR" not in text and "No aprobado" not in text
    assert english_left(without_sources(text, "prp-columna-es")) == []


def test_the_spanish_pdf_says_its_language_and_metadata_in_spanish(built):
    reader = PdfReader(built / "prp-columna-es.patient.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "es-ES"  # hyphenation and screen readers
    info = reader.metadata
    assert info.subject.startswith("Edición para pacientes: Inyecciones de plasma")
    assert info["/Keywords"] == "Edición para pacientes, aprobado, versión 1.0.0, prp-columna-es"
    descriptions = []
    catalog = reader.trailer["/Root"]
    for spec in catalog["/Names"]["/EmbeddedFiles"]["/Names"][1::2]:
        descriptions.append(str(spec.get_object().get("/Desc")))
    assert sorted(descriptions) == ["Manuscrito original", "Referencias citadas (BibTeX)"]


def test_the_spanish_patient_epub_reads_entirely_in_spanish(built):
    path = built / "prp-columna-es.patient.epub"
    with zipfile.ZipFile(path) as archive:
        documents = {n: archive.read(n).decode() for n in archive.namelist()
                     if n.endswith((".xhtml", ".opf", ".ncx"))}
    for name, source in documents.items():
        if name.endswith(".xhtml"):
            assert 'xml:lang="es-ES"' in source, name
    visible = {n: re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<style.*?</style>", " ", s))
               for n, s in documents.items() if n.endswith(".xhtml")}
    text = flat("\n".join(visible.values()))
    for phrase in ("Edición para pacientes", "Versión 1.0.0",
                   "Última actualización 5 de octubre de 2025", "Referencias", "Investigación", "Guía clínica",
                   "Aviso importante: léalo, por favor", "Acerca de este documento", "Índice",
                   "Fuente"):
        assert phrase in text, phrase
    assert english_left(without_sources(text, "prp-columna-es")) == []
    opf = epub_opf(path)  # what reading systems show: Dublin Core and the accessibility summary
    shown = [e for e in opf.iter() if isinstance(e.tag, str)
             and (e.tag.startswith("{http://purl.org/dc/elements/1.1/}")
                  or e.get("property") == "schema:accessibilitySummary")]
    metadata = " ".join(e.text or "" for e in shown)
    assert "Edición para pacientes de un documento médico" in metadata
    assert english_left(without_sources(flat(metadata), "prp-columna-es")) == []


def test_the_english_example_still_reads_in_english(built):
    text = flat("\n".join(pdf_pages(built / "prp-spine-pain.patient.pdf")))
    assert "Research" in text and "Disclaimer: Please Read" in text
    assert "Página" not in text and "Referencias" not in text


DRAFT = """---
title: Un documento en revisión
version: 0.1.0
status: draft
last_updated: 2025-03-01
lang: es
audiences: [patient]
---

## Apartado

Texto para todos.
"""


def test_a_spanish_draft_has_a_spanish_banner_and_watermark(tmp_path):
    path = tmp_path / "borrador.md"
    path.write_text(DRAFT, encoding="utf-8")
    report = build([path], BuildOptions(out=tmp_path / "out", jobs=1, use_cache=False,
                                        bibliography_dir=tmp_path))
    assert report.ok, [str(p) for p in report.problems]
    pages = pdf_pages(tmp_path / "out" / "borrador.patient.pdf")
    for text in pages:
        assert "BORRADOR" in text and "DRAFT" not in text
    first = flat(pages[0])
    assert "No aprobado: pendiente de revisión" in first
    assert "Este documento es una versión en estado «borrador»." in first
    assert english_left(first) == []
    from helpers import epub_text

    epub = flat(epub_text(tmp_path / "out" / "borrador.patient.epub"))
    assert "No aprobado: pendiente de revisión" in epub and english_left(epub) == []


BIB = """@online{guia-web,
  title   = {Guía de práctica clínica sobre el dolor lumbar},
  author  = {{Sociedad Española del Dolor}},
  year    = {2024},
  month   = {3},
  url     = {https://example.org/guia-dolor-lumbar},
  urldate = {2025-11-05},
}
"""


def reference(tmp_path: Path, lang: str, style: str) -> str:
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    path = tmp_path / f"{style}-{lang.lower()}.md"
    path.write_text(f"---\ntitle: Prueba\nversion: 1.0.0\nstatus: draft\n"
                    f"last_updated: 2025-03-01\nlang: {lang}\nbibliography: [refs.bib]\n"
                    f"csl: {style}\n---\n\nTexto [@guia-web].\n", encoding="utf-8")
    m, _ = load_manuscript(path, tmp_path)
    docs, problems = prepare(m, Stamp(m.version, m.status, m.last_updated, m.last_updated, ""),
                             ROOT / "styles")
    assert not problems.errors, [str(p) for p in problems.items]
    [ref] = docs[0].references
    return f"{ref.kind} | {ref.html}"


def test_the_reference_list_follows_the_csl_locale(tmp_path):
    assert reference(tmp_path, "es-ES", "american-medical-association") == (
        "Página web | Sociedad Española del Dolor. Guía de práctica clínica sobre el dolor "
        "lumbar. marzo de 2024. Consultado 5 de noviembre de 2025. "
        "https://example.org/guia-dolor-lumbar")
    assert reference(tmp_path, "es-ES", "nlm-citation-sequence") == (
        "Página web | Sociedad Española del Dolor. Guía de práctica clínica sobre el dolor "
        "lumbar [Internet]. 2024 [citado 5 de noviembre de 2025]. Disponible en: "
        "https://example.org/guia-dolor-lumbar")
    english = reference(tmp_path, "en-US", "american-medical-association")
    assert english.startswith("Web page | ") and "Accessed November 5, 2025." in english


TITLED = """@article{mueller2019,
  author = {M{\\"u}ller, J{\\"o}rg},
  title = {The Role of {DNA} Repair in \\textit{Staphylococcus aureus} and Staphylococcus Epidermidis},
  journal = {N Engl J Med},
  year = {2019},
}
@article{french2018,
  author = {Dupont, Anne},
  title = {La Douleur Lombaire Chronique},
  journal = {Rev Prat},
  year = {2018},
  langid = {french},
}
"""


def pandoc_reference_titles(tmp_path: Path, lang: str) -> list[str]:
    """What pandoc --citeproc prints for TITLED in a document in ``lang``, as plain text."""
    import subprocess

    from pipeline.csl import bundled_styles
    from pipeline.pandoc import pandoc_path

    text = subprocess.run(
        [str(pandoc_path()), "--citeproc", "-t", "plain", "--wrap=none",
         "--bibliography", str(tmp_path / "refs.bib"),
         "--csl", str(bundled_styles()["american-medical-association"])],
        input=f"---\nlang: {lang}\n---\n\n[@mueller2019; @french2018]\n", capture_output=True,
        text=True, check=True).stdout
    return [line.split(None, 1)[1].split(". ", 1)[1].split(". ")[0]
            for line in text.splitlines() if line[:2] in ("1.", "2.")]


@pytest.mark.parametrize("lang", ["en-US", "es-MX"])
def test_bibtex_titles_are_in_sentence_case_only_in_an_english_handout(tmp_path, monkeypatch,
                                                                      lang):
    from lxml import html as lxml_html

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    (tmp_path / "refs.bib").write_text(TITLED, encoding="utf-8")
    path = tmp_path / "titulos.md"
    path.write_text(f"---\ntitle: Prueba\nversion: 1.0.0\nstatus: draft\n"
                    f"last_updated: 2025-03-01\nlang: {lang}\nbibliography: [refs.bib]\n"
                    f"---\n\nTexto [@mueller2019; @french2018].\n", encoding="utf-8")
    report = build([path], BuildOptions(out=tmp_path / "out", jobs=1, use_cache=False,
                                        formats=("html",)))
    assert not report.problems, [str(p) for p in report.problems]
    page = lxml_html.parse(str(tmp_path / "out" / "titulos.clinician.html")).getroot()
    titles = [" ".join(e.text_content().split()).split(". ", 1)[1].split(". ")[0]
              for e in page.cssselect(".csl-entry .csl-right-inline")]
    expected = {"en-US": "The role of DNA repair in staphylococcus aureus and staphylococcus "
                         "epidermidis",
                "es-MX": "The Role of DNA Repair in Staphylococcus aureus and Staphylococcus "
                         "Epidermidis"}[lang]
    # an entry with its own langid keeps its title whatever the handout's language
    assert titles == [expected, "La Douleur Lombaire Chronique"]
    assert titles == pandoc_reference_titles(tmp_path, lang)
