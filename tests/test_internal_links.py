"""Links inside a handout lead to an identifier its edition has, or are plain text with a warning.

Built once (EPUB and web page); the links are read back from both, and the
EPUBs go through EPUBCheck, which fails a link to an identifier nothing has.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import PNG_1PX, build_in, epub_documents, epubcheck
from lxml import html as lxml_html

XHTML = "{http://www.w3.org/1999/xhtml}"

BODY = """---
title: "Links"
version: 1.0.0
status: draft
last_updated: 2025-09-01
audiences: [clinician, patient]
---

# Doses {#doses}

See [the doses](#doses), [the rash](#rash) and <a href="#old-anchor">the old table</a>.

## fs.access(path[, mode]) and **more**

As GitHub links it: [access](#fsaccesspath-mode-and-more).

::: {audience="clinician"}
## Only for clinicians {#clinical}

Text.
:::

See [the clinical part](#clinical) and [the doses again](#rash).

The [picture](#fig-dot) comes in the next chapter.

# Pictures

![A red dot](dot.png){#fig-dot}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("links")
    (folder / "m.md").write_text(BODY, encoding="utf-8")
    (folder / "dot.png").write_bytes(PNG_1PX)
    return build_in(folder, ["m.md"], formats=("epub", "html"))


def test_links_to_nothing_are_warnings_at_their_line_once(built):
    _out, problems = built
    assert [p for p in problems if "reading grade" not in p] == [
        ("m.md:11: warning: link '#rash' goes nowhere: 'rash' is no heading or element of the "
         "handout; the link is shown as plain text (give its target {#rash})"),
        ("m.md:11: warning: link '#old-anchor' goes nowhere: 'old-anchor' is no heading or "
         "element of the handout; the link is shown as plain text (give its target "
         "{#old-anchor})"),
        ("m.md:23: warning: link '#clinical' goes nowhere: 'clinical' is not in the patient "
         "edition; the link is shown as plain text (give its target {#clinical})"),
    ]


def _links(root, ns: str = "") -> list[tuple[str, str]]:
    """(text, #fragment) of each link inside the handout (an EPUB's name the chapter first)."""
    hrefs = [(a, a.get("href") or "") for a in root.iter(f"{ns}a")]
    return [(" ".join("".join(a.itertext()).split()), href[href.index("#"):])
            for a, href in hrefs if "#" in href and "://" not in href
            and href.split("#")[1] not in ("content", "")]


def test_each_edition_links_only_to_what_it_has(built):
    out, _ = built
    expected = {
        "clinician": [("the doses", "#doses"), ("access", "#fs.accesspath-mode-and-more"),
                      ("the clinical part", "#clinical"), ("picture", "#fig-dot")],
        "patient": [("the doses", "#doses"), ("access", "#fs.accesspath-mode-and-more"),
                    ("picture", "#fig-dot")],
    }
    for audience, links in expected.items():
        page = lxml_html.parse(str(out / f"m.{audience}.html")).getroot()
        assert _links(page) == links, audience
        assert "the rash" in page.text_content() and "the old table" in page.text_content()
        book = out / f"m.{audience}.epub"
        found = [link for name, root in sorted(epub_documents(book).items())
                 if "nav" not in name for link in _links(root, XHTML)]
        assert found == links, audience
    books = [out / "m.clinician.epub", out / "m.patient.epub"]
    assert epubcheck(books) == {book: [] for book in books}


def test_a_link_to_a_figure_in_another_chapter_of_the_epub_names_that_chapter(built):
    out, _ = built
    documents = epub_documents(out / "m.clinician.epub")
    ids = {name.rpartition("/")[2]: {e.get("id") for e in root.iter() if e.get("id")}
           for name, root in documents.items()}
    links = [(name.rpartition("/")[2], a.get("href")) for name, root in documents.items()
             for a in root.iter(f"{XHTML}a") if "#fig-dot" in (a.get("href") or "")]
    assert len(links) == 1
    name, href = links[0]
    chapter, _, fragment = href.partition("#")
    assert chapter and chapter != name and fragment in ids[chapter]


def test_a_repeated_identifier_takes_a_suffix_no_later_element_has():
    from pipeline.blocks import unique_ids

    def heading(ident: str) -> dict:
        return {"t": "Header", "c": [2, [ident, [], []], [{"t": "Str", "c": ident}]]}

    link = {"t": "Para", "c": [{"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "x"}],
                                                  ["#a", ""]]}]}
    blocks = [heading("a"), heading("a"), heading("a-1"), link]
    assert [b["c"][1][0] for b in unique_ids(blocks)[:3]] == ["a", "a-2", "a-1"]
    alone = [heading("a"), heading("b"), link]
    assert unique_ids(alone) is alone  # nothing renamed: the same blocks
