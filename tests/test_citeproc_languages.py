"""Citations in another language than English: terms, their forms and text case.

A Spanish handout (``lang: es``) in a style written for English must read as
citeproc-js prints it with the Spanish locale: the locale's own words, in the
form the style asks or the one CSL falls back to, and titles left in the case
they are written in.
"""

from __future__ import annotations

import pytest
from helpers import ROOT

from pipeline.manuscript import load_manuscript
from pipeline.model import Stamp
from pipeline.prepare import prepare

STAMP = Stamp(version="1.0.0", status="draft", last_updated="2025-06-01",
              build_date="2025-06-01", commit="", dirty=False)

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text"
  default-locale="en-US"><info><title>t</title><id>t</id><updated>2020-01-01T00:00:00Z</updated>
  </info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout>
    <group delimiter=" | ">
      <text variable="title" text-case="title"/>
      <group delimiter=" "><text term="version" form="short"/><text variable="version"/></group>
      <names variable="editor"><name/><label form="short" prefix=" (" suffix=")"
        text-case="title"/></names>
      <text term="legislation" form="short"/>
    </group></layout></bibliography></style>"""

BIB = """@software{diario,
  author  = {Ivanova, Daria},
  editor  = {Ruiz, Ana},
  title   = {Diario de síntomas para el dolor crónico},
  version = {2.1.0},
  year    = {2022},
}
"""


def _entry(tmp_path, lang: str, style: str = STYLE) -> str:
    (tmp_path / "style.csl").write_text(style, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "m.md").write_text(
        "---\ntitle: Idioma\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
        f"lang: {lang}\nbibliography: [refs.bib]\ncsl: style.csl\n---\n\nUn dato "
        "[@diario].\n", encoding="utf-8")
    manuscript, _ = load_manuscript(tmp_path / "m.md", ROOT / "bibliography")
    documents, problems = prepare(manuscript, STAMP, ROOT / "styles")
    assert not problems.errors, [str(p) for p in problems.errors]
    (reference,) = documents[0].references
    return reference.html


@pytest.mark.parametrize(("lang", "entry"), [
    # es-ES defines 'versión' and 'legislation' only in the long form: CSL falls back to it
    # in the same language before English ('v.', 'legis.'); the title keeps its case, the
    # editor's label is title-cased in any language
    ("es", ("Diario de síntomas para el dolor crónico | versión 2.1.0 | Ana Ruiz (Ed.) | "
           "legislation")),
    ("en-US", ("Diario de Síntomas Para El Dolor Crónico | v. 2.1.0 | Ana Ruiz (Ed.) | "
              "legis.")),
])
def test_a_spanish_handout_reads_its_locales_words_and_keeps_titles_as_written(
        tmp_path, lang, entry):
    assert _entry(tmp_path, lang) == entry


def test_a_style_locale_in_the_handouts_language_is_still_preferred(tmp_path):
    """A short term the style defines for Spanish wins over the locale file's long one."""
    style = STYLE.replace("</info>", '</info><locale xml:lang="es"><terms><term '
                          'name="version" form="short">vers.</term></terms></locale>')
    assert _entry(tmp_path, "es", style).startswith(
        "Diario de síntomas para el dolor crónico | vers. 2.1.0 | ")


def test_a_terms_apostrophe_is_typographic_as_the_titles_are():
    """fr-FR's 'à l'adresse' printed beside 'l’enfant' with its straight apostrophe."""
    from pipeline.citeproc_engine import format_clusters
    from pipeline.model import CiteItem, Cluster

    style = STYLE.replace('default-locale="en-US"', 'default-locale="fr-FR"').replace(
        '<text variable="title"/></layout></citation>',
        '<group delimiter=" "><text variable="title"/><text term="from"/></group>'
        '</layout></citation>')
    items = {"a": {"id": "a", "type": "book", "title": "La douleur de l'enfant"}}
    formatted = format_clusters(style.encode(), items, [Cluster((CiteItem("a"),))], "fr-FR")
    assert formatted.citations == ("La douleur de l\u2019enfant \u00e0 l\u2019adresse",)


def test_a_term_written_as_the_long_form_is_the_plain_terms_text():
    """A style's <term name="cited" form="long"> wins over the locale file's 'citato'."""
    from pipeline.citeproc_engine import format_clusters
    from pipeline.model import CiteItem, Cluster

    style = STYLE.replace('default-locale="en-US"', 'default-locale="it-IT"').replace(
        "</info>", '</info><locale xml:lang="it-IT"><terms><term name="cited" form="long">'
        "op. cit.</term></terms></locale>").replace(
        '<text variable="title"/></layout></citation>',
        '<group delimiter=", "><text variable="title"/><text term="cited"/></group>'
        '</layout></citation>')
    items = {"a": {"id": "a", "type": "book", "title": "Il dolore"}}
    formatted = format_clusters(style.encode(), items, [Cluster((CiteItem("a"),))], "it-IT")
    assert formatted.citations == ("Il dolore, op. cit.",)
