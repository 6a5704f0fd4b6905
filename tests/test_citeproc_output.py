"""Quotes, flip-flop formatting, punctuation in quotes and text case in formatted citations."""

from __future__ import annotations

import pytest

from pipeline.citeproc_engine import format_clusters, marks_to_html
from pipeline.csl import prepare_xml
from pipeline.model import CiteItem, Cluster

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="note">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00Z</updated></info>
  <citation><layout>{layout}</layout></citation></style>"""


def _cite(layout: str, item: dict, locale: str = "en-US") -> str:
    style = prepare_xml(STYLE.format(layout=layout).encode(), "test")
    item = {"id": "x", "type": "article-journal", **item}
    (text,) = format_clusters(style.xml, {"x": item}, [Cluster((CiteItem("x"),))],
                              locale).citations
    return marks_to_html(text)


QUOTED_TITLE = '<text variable="title" quotes="true" suffix=", "/><text variable="volume"/>'


@pytest.mark.parametrize(("locale", "expected"), [
    ("en-US", "“Patients’ ‘Real-World’ Pain,” 12"),   # punctuation goes inside
    ("en-GB", "‘Patients’ “Real-World” Pain’, 12"),    # it stays outside; quotes swap
    ("fr-FR", "«\u00a0Patients’ “Real-World” Pain\u00a0», 12"),
])
def test_quotes_in_the_data_alternate_with_the_styles_quotes(locale, expected):
    item = {"title": "Patients' \"Real-World\" Pain", "volume": "12"}
    assert _cite(QUOTED_TITLE, item, locale) == expected


def test_a_question_mark_ending_a_quoted_title_takes_no_period():
    layout = '<text variable="title" quotes="true" suffix=". "/><text variable="volume"/>'
    assert _cite(layout, {"title": "Is it pain?", "volume": "3"}) == "“Is it pain?” 3"
    assert _cite(QUOTED_TITLE, {"title": "Is it pain?", "volume": "3"}) == "“Is it pain?,” 3"


def test_markup_in_the_data_flips_inside_italics():
    layout = '<text variable="title" font-style="italic"/>'
    item = {"title": "Infection with <i>Staphylococcus aureus</i> in <b>children</b>"}
    assert _cite(layout, item) == ('<i>Infection with <span style="font-style:normal;">'
                                   'Staphylococcus aureus</span> in <b>children</b></i>')


def test_upright_in_the_style_only_shows_inside_italics():
    layout = ('<group font-style="italic"><text variable="title" font-style="normal"/></group>'
              '<text variable="title" font-style="normal" prefix=" "/>')
    assert _cite(layout, {"title": "Pain"}) == (
        '<i><span style="font-style:normal;">Pain</span></i> Pain')


@pytest.mark.parametrize(("case", "expected"), [  # what citeproc-js prints
    ("title", "HIV and the E-Mail of McDonald: A Study of x-Ray in iPhone Users For"),
    ("sentence", "HIV and the e-mail of mcdonald: a study of x-ray in iPhone users for"),
    ("capitalize-first", "HIV and the e-mail of McDonald: a study of x-ray in iPhone users for"),
    ("capitalize-all", "HIV And The E-Mail Of McDonald: A Study Of X-Ray In iPhone Users For"),
    ("uppercase", "HIV AND THE E-MAIL OF MCDONALD: A STUDY OF X-RAY IN iPhone USERS FOR"),
])
def test_text_case_as_citeproc_js_applies_it(case, expected):
    item = {"title": 'HIV and the e-mail of McDonald: a study of x-ray in '
                     '<span class="nocase">iPhone</span> users for'}
    assert _cite(f'<text variable="title" text-case="{case}"/>', item) == expected


def test_apostrophes_become_typographic_in_names_and_titles():
    layout = '<names variable="author"><name/></names><text variable="title" prefix=", "/>'
    item = {"author": [{"family": "D'Arcus", "given": "Bruce"}], "title": "ETFA '09"}
    assert _cite(layout, item) == "Bruce D’Arcus, ETFA ’09"


@pytest.mark.parametrize(("parts", "expected"), [  # as citeproc-js prints them
    ([[2017, 2, 3], [2017, 2, 9]], "February 3–9, 2017 / 2017 Feb 3–9"),
    ([[2017, 2], [2017, 3]], "February–March 2017 / 2017 Feb–Mar"),
    ([[2016, 12, 3], [2017, 3, 9]], "December 3, 2016–March 9, 2017 / 2016 Dec 3–2017 Mar 9"),
    ([[2016], [2017]], "2016–2017 / 2016–2017"),
    ([[1987], [0]], "1987– / 1987–"),
    ([[1999, 21], [2001, 22]], "Spring 1999–Summer 2001 / 1999 Spring–2001 Summer"),
])
def test_date_ranges_print_shared_parts_once(parts, expected):
    layout = ('<date variable="issued" form="text" suffix=" / "/><date variable="issued" '
              'delimiter=" "><date-part name="year"/><date-part name="month" form="short" '
              'strip-periods="true"/><date-part name="day"/></date>')
    assert _cite(layout, {"issued": {"date-parts": parts}}) == expected


BIB_STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00Z</updated></info>
  <citation><layout><text variable="citation-number"/></layout></citation>
  <bibliography {align}><layout suffix=".">{layout}</layout></bibliography></style>"""


@pytest.mark.parametrize(("align", "layout", "expected"), [  # as citeproc-js writes them
    ('second-field-align="flush"',
     '<text variable="citation-number" suffix=". "/><text variable="title"/>',
     ('\n    <div class="csl-left-margin">1. </div>'
      '<div class="csl-right-inline">Pain.</div>\n  ')),
    ("", '<text variable="title"/><text variable="abstract" display="indent"/>',
     'Pain<div class="csl-indent">On pain</div>\n  .'),
    # an area in a group is printed inline: citeproc-js reads display in the layout only
    ("", ('<group delimiter=". "><text variable="title"/><text variable="abstract" '
          'display="block"/></group>'), "Pain. On pain."),
])
def test_display_areas_in_the_reference_list(align, layout, expected):
    style = prepare_xml(BIB_STYLE.format(align=align, layout=layout).encode(), "test")
    item = {"id": "x", "type": "book", "title": "Pain", "abstract": "On pain"}
    formatted = format_clusters(style.xml, {"x": item}, [Cluster((CiteItem("x"),))], "en-US")
    ((_key, entry),) = formatted.bibliography
    assert marks_to_html(entry) == expected


@pytest.mark.parametrize(("page", "expected"), [  # page-range-format="minimal", as citeproc-js
    ("1-12", "pages 1–12"), ("1101-09", "pages 1101–9"), ("S12-S19", "pages S12–9"),
    ("N110 - 5", "pages N110-5"), ("3\\-B", "page 3-B"), ("ix-xi", "pages ix–xi"),
    ("185-203.e13", "pages 185-203.e13"),
])
def test_page_ranges_and_their_labels(page, expected):
    layout = '<group delimiter=" "><label variable="page"/><text variable="page"/></group>'
    style = prepare_xml(STYLE.format(layout=layout).replace(
        'class="note"', 'class="note" page-range-format="minimal"').encode(), "test")
    (text,) = format_clusters(style.xml, {"x": {"id": "x", "type": "book", "page": page}},
                              [Cluster((CiteItem("x"),))], "en-US").citations
    assert marks_to_html(text) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("Is it pain?", "Is it pain? Lancet"), ("Doe Co.", "Doe Co. Lancet"),
    ("Pain: a study;", "Pain: a study; Lancet"), ("Pain", "Pain. Lancet"),
])
def test_punctuation_merges_where_pieces_meet(title, expected):
    layout = ('<text variable="title" font-weight="bold" suffix=". "/>'
              '<text variable="container-title"/>')
    text = _cite(layout, {"title": title, "container-title": "Lancet"})
    assert text.replace("<b>", "").replace("</b>", "") == expected


def test_variables_in_the_note_are_read_as_zotero_writes_them():
    layout = ('<group delimiter=", "><names variable="reviewed-author"><name/></names>'
              '<date variable="original-date"><date-part name="year"/></date>'
              '<text variable="title"/></group>')
    item = {"title": "Pain", "note": "original-date: 1950\nreviewed-author: Hall || W. C.\n"
                                     "Read for the pain clinic"}
    assert _cite(layout, item) == "W. C. Hall, 1950, Pain"
