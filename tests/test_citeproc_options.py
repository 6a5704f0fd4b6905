"""Style options as citeproc-js applies them, each in a small style of its own.

Every option value is formatted by the project's engine and by citeproc-js
(Node, ``tests/citeproc-js/``) on the varied references: particles demoted or
not, page ranges in every ``page-range-format``, ``names-delimiter``, every
``subsequent-author-substitute-rule``, ``initialize-with-hyphen``.  Citations
and reference list entries must read the same.
"""

from __future__ import annotations

import pytest
from citeproc_js import (
    VARIED,
    canonical_html,
    citeproc_js_output,
    load_items,
    node_available,
)

from pipeline.citeproc_engine import format_clusters, marks_to_html
from pipeline.csl import prepare_xml
from pipeline.model import CiteItem, Cluster

pytestmark = pytest.mark.skipif(node_available() is not None,
                                reason=node_available() or "citeproc-js available")

HEAD = ('<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" {opts}>'
        "<info><title>o</title><id>o</id><updated>2020-01-01T00:00:00+00:00</updated></info>")
NAMES = ('<names variable="author"><name name-as-sort-order="all"/><substitute>'
         '<names variable="editor"/><text variable="title"/></substitute></names>')
MACRO = f'<macro name="a">{NAMES}</macro>'
PAGES = ('<group delimiter=", "><text variable="title"/><text variable="page"/>'
         '<text variable="locator"/></group>')
SUBSTITUTED = ('<group delimiter=". "><names variable="author"><name/></names>'
               '<text variable="title"/></group>')


def _style(opts: str, citation: str, bibliography: str = "", bib_opts: str = "") -> str:
    xml = (HEAD.format(opts=opts) + '<citation><layout prefix="(" suffix=")" delimiter="; ">'
           f"{citation}</layout></citation>")
    if bibliography:
        xml += (f"<bibliography {bib_opts}><sort><key macro=\"a\"/><key variable=\"issued\"/>"
                f"</sort><layout>{bibliography}</layout></bibliography>")
    return xml + MACRO + "</style>"


OPTIONS = {
    **{f"demote-non-dropping-particle={value}": _style(
        f'demote-non-dropping-particle="{value}"', NAMES, NAMES)
       for value in ("never", "sort-only", "display-and-sort")},
    **{f"page-range-format={value}": _style(f'page-range-format="{value}"', PAGES)
       for value in ("chicago", "chicago-15", "chicago-16", "expanded", "minimal",
                     "minimal-two")},
    "names-delimiter": _style('names-delimiter="; "', '<names variable="author editor '
                              'translator"><name/><label prefix=" (" suffix=")"/></names>'),
    **{f"subsequent-author-substitute-rule={rule}": _style(
        "", '<text variable="title"/>', SUBSTITUTED,
        f'subsequent-author-substitute="———" subsequent-author-substitute-rule="{rule}"')
       for rule in ("complete-all", "complete-each", "partial-each", "partial-first")},
    "initialize-with-hyphen": _style('initialize-with=". " initialize-with-hyphen="true"',
                                     NAMES),
}


@pytest.fixture(scope="module")
def both():
    """(ours, citeproc-js) citations and entries for each option, once for the module."""
    items = load_items([VARIED])
    first = next(iter(items))
    clusters = [[{"id": key} for key in items]] + [
        [{"id": first, "locator": pages, "label": "page"}]
        for pages in ("321-328", "1496-1504", "42-45", "107-108", "2-5")]
    jobs = [{"style": xml, "lang": "en-US", "items": list(items.values()),
             "clusters": clusters} for xml in OPTIONS.values()]
    out = {}
    for (name, xml), theirs in zip(OPTIONS.items(), citeproc_js_output(jobs), strict=True):
        ours = format_clusters(prepare_xml(xml.encode(), "o").xml, items, [
            Cluster(tuple(CiteItem(c["id"], locator=c.get("locator"), label=c.get("label"))
                          for c in cluster)) for cluster in clusters], "en-US")
        out[name] = (
            [canonical_html(marks_to_html(t)) for t in ours.citations]
            + [canonical_html(marks_to_html(t)) for _key, t in ours.bibliography],
            [canonical_html(t) for t in theirs["citations"]]
            + [canonical_html(e["html"]) for e in theirs["bibliography"]])
    return out


@pytest.mark.parametrize("option", OPTIONS)
def test_a_style_option_is_applied_as_citeproc_js_applies_it(both, option):
    ours, theirs = both[option]
    assert ours == theirs


def test_the_options_are_seen_in_the_output(both):
    """The comparison is not of outputs the options leave alike."""
    pages = {name: both[name][0][1:] for name in OPTIONS if name.startswith("page-range")}
    assert pages["page-range-format=expanded"][0].endswith("321–328)")
    assert pages["page-range-format=minimal"][0].endswith("321–8)")
    assert pages["page-range-format=chicago"][1].endswith("1496–1504)")
    demoted = both["demote-non-dropping-particle=display-and-sort"][0][0]
    assert "Berg, Pieter van der" in demoted
    assert "van der Berg, Pieter" in both["demote-non-dropping-particle=never"][0][0]
    assert any(e.startswith("———. ") for e in both[
        "subsequent-author-substitute-rule=complete-all"][0])


def test_a_date_elements_formatting_is_printed_inside_its_affixes():
    """<date font-weight="bold" prefix=" ("> gives ' (<b>2019</b>)', as citeproc-js prints."""
    xml = _style("", '<text variable="title"/><date variable="issued" font-weight="bold" '
                 'prefix=" (" suffix=")"><date-part name="year"/></date>')
    items = {"a": {"id": "a", "type": "book", "title": "T", "issued": {"date-parts": [[2019]]}}}
    ours = format_clusters(prepare_xml(xml.encode(), "o").xml, items,
                           [Cluster((CiteItem("a"),))], "en-US")
    assert marks_to_html(ours.citations[0]) == "(T (<b>2019</b>))"
