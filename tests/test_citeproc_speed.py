"""citeproc-py's questions about a style answered once (pipeline/citeproc_fixes/speed.py)."""

from __future__ import annotations

import sys
from collections import Counter

from pipeline import citeproc_fixes
from pipeline.citeproc_engine import format_clusters
from pipeline.csl import prepare_xml
from pipeline.model import CiteItem, Cluster

# A <names> with its own <name> and <label>, and a bare one (citeproc-py adds a default
# <name> outside the CSL namespace each time it prints it).
STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00Z</updated></info>
  <citation><layout prefix="(" suffix=")" delimiter="; ">
    <group delimiter=", "><names variable="author"><name form="short" and="text"/></names>
      <names variable="editor"/><names variable="translator"><name form="short"/>
      <label form="short" prefix=" "/></names></group></layout></citation></style>"""
ITEMS = {key: {"id": key, "type": "book", "title": key,
               "author": [{"family": family, "given": "A."}, {"family": "Lee", "given": "B."}],
               "editor": [{"family": "Okafor", "given": "C."}],
               "translator": [{"family": "Ruiz", "given": "D."}]}
         for key, family in (("a", "Smith"), ("b", "Zhang"))}


def test_a_child_asked_for_by_name_is_found_once_per_element(monkeypatch):
    """citeproc-py reads children as attributes (``names.name``, ``citation.layout``):
    each element searches for each such child once, found or not, however often it prints."""
    from citeproc import model

    citeproc_fixes.apply()
    asked: list[tuple[int, str]] = []
    find = model.SomewhatObjectifiedElement.find

    def counted(self, path, namespaces=None):
        caller = sys._getframe(1).f_code
        if caller.co_name == "__getattr__" and caller.co_filename.endswith("model.py"):
            asked.append((id(self), path))
        return find(self, path, namespaces)

    monkeypatch.setattr(model.SomewhatObjectifiedElement, "find", counted)
    style = prepare_xml(STYLE.encode(), "children")
    clusters = [Cluster((CiteItem(key),)) for key in ("a", "b", "a", "b")]
    citations = format_clusters(style.xml, ITEMS, clusters, "en-US").citations
    assert citations == ("(Smith and Lee, C. Okafor, Ruiz trans.)",
                         "(Zhang and Lee, C. Okafor, Ruiz trans.)") * 2
    assert {path for _element, path in asked} >= {"cs:name", "cs:label"}
    again = sorted({path for (_element, path), times in Counter(asked).items() if times > 1})
    assert again == []


CHOOSING = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00Z</updated></info>
  <citation><layout prefix="(" suffix=")" delimiter="; "><choose>
    <if type="article-journal report" match="any"><text variable="title"/></if>
    <else-if variable="publisher" is-numeric="edition" match="all"><text value="n"/></else-if>
    <else-if variable="publisher" match="none"><text value="none"/></else-if>
    <else><text variable="publisher" prefix="p: "/></else></choose></layout></citation></style>"""


def test_a_conditions_tests_are_read_from_its_attributes_once(monkeypatch):
    """Every ``<if>`` and ``<else-if>`` reads its attributes once, however often it is met."""
    from citeproc import model
    from lxml import etree

    citeproc_fixes.apply()
    read: Counter[int] = Counter()

    def attrib(self):
        read[id(self)] += 1
        return etree.ElementBase.attrib.__get__(self)

    monkeypatch.setattr(model.If, "attrib", property(attrib))
    style = prepare_xml(CHOOSING.encode(), "conditions")
    items = {"a": {"id": "a", "type": "report", "title": "Audit"},
             "b": {"id": "b", "type": "book", "title": "B", "publisher": "Ace"},
             "c": {"id": "c", "type": "book", "title": "C", "publisher": "Ace", "edition": "2"},
             "d": {"id": "d", "type": "book", "title": "D"}}
    clusters = [Cluster((CiteItem(key),)) for key in "abcd" * 3]
    citations = format_clusters(style.xml, items, clusters, "en-US").citations
    assert citations == ("(Audit)", "(p: Ace)", "(n)", "(none)") * 3
    assert sorted(read.values()) == [1, 1, 1]
