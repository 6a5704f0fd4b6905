"""The HTML edition and the index page, parsed as a browser would read them.

The browser's own view (links followed, phone width, axe-core) is in
test_browser.py; here the pages are parsed with lxml.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from helpers import ROOT, build_fixed
from lxml import html as lhtml


def page(path: Path):
    return lhtml.fromstring(path.read_bytes())


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def test_every_edition_has_a_page_in_the_manifest(built, manifest):
    pages = {a["path"]: a for a in manifest["artifacts"] if a["format"] == "html"}
    editions = {(a["manuscript"], a["audience"]) for a in manifest["artifacts"]}
    assert sorted(pages) == sorted(f"{s}.{a}.html" for s, a in editions)
    for name, artifact in pages.items():
        root = page(built / name)
        assert root.get("lang") == artifact["lang"]
        assert text_of(root.find(".//h1")) == artifact["title"]
    for asset in ("assets/css/web.css", "assets/css/fonts.css", "assets/fonts/OFL.txt",
                  "assets/fonts/NotoSans-Regular.ttf", "index.html"):
        assert (built / asset).is_file(), asset


def test_the_page_carries_what_the_pdf_carries(built):
    root = page(built / "prp-spine-pain.clinician.html")
    facts = {text_of(dt): text_of(dd) for dt, dd in zip(root.cssselect(".facts dt"),
                                                       root.cssselect(".facts dd"), strict=True)}
    assert facts == {"Status": "approved", "Version": "2.0.1", "Last updated": "October 2, 2025",
                     "Next review": "October 2, 2027"}
    people = [text_of(p) for p in root.cssselect(".people")]
    assert people == ["Authors: Clinical Editorial Team, Writer",
                      "Reviewed by: Pain Medicine Review Panel, Clinical reviewer (October 1, 2025)"]
    assert text_of(root.cssselect(".disclaimer h2")[0]) == "Disclaimer for Healthcare Professionals"
    stamp = {text_of(dt): text_of(dd) for dt, dd in zip(root.cssselect(".stamp dt"),
                                                       root.cssselect(".stamp dd"), strict=True)}
    assert stamp["Version"] == "2.0.1 (approved)" and stamp["Built"] == "2025-10-09"
    assert stamp["Source"] == "unknown" or len(stamp["Source"].split()[0]) == 40
    history = [[text_of(td) for td in tr.cssselect("td")]
               for tr in root.cssselect("table.history tbody tr")]
    assert history[0] == ["1.0.0", "March 14, 2025", "First edition."]
    assert not root.cssselect(".banner")
    downloads = [a.get("href") for a in root.cssselect(".downloads a")]
    assert downloads == ["prp-spine-pain.clinician.pdf", "prp-spine-pain.clinician.epub"]
    assert not root.cssselect("script")


def test_status_track_marks_the_current_step_and_the_banner_shows(built):
    root = page(built / "regen-pain.clinician.html")
    steps = [(text_of(li), li.get("class"), li.get("aria-current"))
             for li in root.cssselect(".track li")]
    assert steps == [("Submitted", "step-done", None), ("Under review", "step-current", "step"),
                     ("Approved", "step-todo", None)]
    assert text_of(root.cssselect(".banner h2")[0]) == "Not approved: pending review"
    approved = page(built / "prp-spine-pain.patient.html")
    assert [li.get("aria-current") for li in approved.cssselect(".track li")] == \
        [None, None, "step"]


def test_audience_choice_links_to_the_other_editions(built):
    for audience in ("clinician", "patient"):
        root = page(built / f"prp-spine-pain.{audience}.html")
        links = [(text_of(a), a.get("href"), a.get("aria-current"))
                 for a in root.cssselect(".audiences a")]
        assert links == [
            ("Healthcare professional", "prp-spine-pain.clinician.html",
             "page" if audience == "clinician" else None),
            ("Patient or caregiver", "prp-spine-pain.patient.html",
             "page" if audience == "patient" else None)]
    spanish = page(built / "prp-columna-es.patient.html")
    assert text_of(spanish.cssselect(".audiences h2")[0]) == "¿Qué opción le describe mejor?"
    assert not page(built / "regen-pain.clinician.html").cssselect(".audiences")


def test_citations_link_to_their_entries_and_back(built):
    root = page(built / "prp-spine-pain.clinician.html")
    ids = set(root.xpath("//@id"))
    cites = root.cssselect(".citation a")
    assert [text_of(a) for a in cites[:3]] == ["1", "1", "2"]
    for a in cites:
        assert a.get("href")[1:] in ids and a.get("id") in ids
        entry = root.get_element_by_id(a.get("href")[1:])
        label = text_of(entry.cssselect(".csl-left-margin")[0])
        assert label == f"{text_of(a)}."
        backs = [b.get("href")[1:] for b in entry.cssselect("a.cite-back")]
        assert a.get("id") in backs
    entry = root.get_element_by_id("ref-spine-review-2020")
    assert text_of(entry.cssselect(".ref-kind")[0]) == "Research"
    assert [b.get("aria-label") for b in entry.cssselect("a.cite-back")] == \
        ["Back to citation 1", "Back to citation 2", "Back to citation 3"]


def test_index_lists_every_handout_with_its_files(built, manifest):
    root = page(built / "index.html")
    rows = root.cssselect("table.index-table tbody tr")
    titles = [text_of(r.cssselect("td")[0]) for r in rows]
    assert titles == sorted({a["title"] for a in manifest["artifacts"]},
                            key=lambda t: next(a["manuscript"] for a in manifest["artifacts"]
                                               if a["title"] == t))
    regen = root.get_element_by_id("handout-regen-pain")
    cells = [text_of(td) for td in regen.cssselect("td")]
    assert cells == ["How is regenerative medicine applied to pain management?", "under review",
                     "1.2.0", "September 18, 2025", "September 18, 2027",
                     "Clinician edition: HTML PDF EPUB"]
    hrefs = [a.get("href") for a in root.cssselect("a")]
    files = {a["path"] for a in manifest["artifacts"]}
    assert set(hrefs) - {"#content"} == files
    for href in hrefs[1:]:
        assert (built / href).is_file()


WEB_MD = """\
    ---
    title: "A web page with pictures"
    version: 0.3.0
    status: draft
    last_updated: 2025-05-01
    audiences: [clinician, patient]
    bibliography: [web.bib]
    csl: apa
    ---

    ## Look

    ![A red square](red.png)

    As @smith-2020 found, squares help[^1] [@smith-2020; @lee-2021].

    [^1]: A note with *emphasis*.
    """

WEB_BIB = """\
    @article{smith-2020, author = {Smith, Ann}, title = {Squares}, journal = {J Sq},
      year = {2020}, category = {Guideline}}
    @book{lee-2021, author = {Lee, Bo}, title = {Shapes}, publisher = {Press}, year = {2021}}
    """


@pytest.fixture(scope="module")
def web_site(tmp_path_factory) -> Path:
    from PIL import Image

    work = tmp_path_factory.mktemp("web")
    (work / "web.md").write_text(textwrap.dedent(WEB_MD))
    (work / "web.bib").write_text(textwrap.dedent(WEB_BIB))
    Image.new("RGB", (8, 8), (200, 0, 0)).save(work / "red.png")
    styles = work / "styles"
    shutil.copytree(ROOT / "styles", styles)
    (styles / "site.yaml").write_text("editorial_policy: https://example.org/policy\n")
    return build_fixed([work / "web.md"], work / "dist", formats=("html",), styles=styles)


def test_images_are_copied_under_assets_by_content(web_site):
    root = page(web_site / "web.clinician.html")
    src = root.cssselect("main img")[0].get("src")
    assert src.startswith("assets/images/") and src.endswith(".png")
    assert (web_site / src).read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in (web_site / "assets" / "images").iterdir()] == [src.split("/")[-1]]


def test_author_date_citations_footnotes_draft_and_policy_link(web_site):
    root = page(web_site / "web.clinician.html")
    cites = root.cssselect(".citation a")
    assert [(text_of(a), a.get("href"), a.get("id")) for a in cites] == [
        ("Smith (2020)", "#ref-smith-2020", "cite-smith-2020-1"),
        ("Lee, 2021", "#ref-lee-2021", "cite-lee-2021-1"),
        ("Smith, 2020", "#ref-smith-2020", "cite-smith-2020-2")]
    assert text_of(root.cssselect(".citation")[1]) == "(Lee, 2021; Smith, 2020)"
    backs = {entry.get("id"): [a.get("href") for a in entry.cssselect("a.cite-back")]
             for entry in root.cssselect(".csl-entry")}
    assert backs == {"ref-lee-2021": ["#cite-lee-2021-1"],
                     "ref-smith-2020": ["#cite-smith-2020-1", "#cite-smith-2020-2"]}
    kinds = [text_of(k) for k in root.cssselect(".ref-kind")]
    assert kinds == ["Book", "Guideline"]
    notes = root.cssselect("#footnotes li")
    assert [text_of(n).rstrip("↩︎ ") for n in notes] == ["A note with emphasis."]
    assert [li.get("class") for li in root.cssselect(".track li")] == ["step-todo"] * 3
    assert text_of(root.cssselect(".track-note")[0]) == "Draft: not yet submitted for review"
    policy = root.cssselect(".facts a")[0]
    assert (policy.get("href"), text_of(policy)) == ("https://example.org/policy",
                                                    "View editorial policy")


def test_html_edition_is_byte_reproducible(web_site, tmp_path):
    again = build_fixed([web_site.parent / "web.md"], tmp_path / "dist", formats=("html",),
                        styles=web_site.parent / "styles")
    for name in ("web.clinician.html", "web.patient.html", "index.html"):
        assert (again / name).read_bytes() == (web_site / name).read_bytes()


def test_site_settings_mistakes_are_reported_at_their_lines(web_site, tmp_path):
    from pipeline.build import BuildOptions, check

    styles = tmp_path / "styles"
    shutil.copytree(web_site.parent / "styles", styles)
    (styles / "site.yaml").write_text(
        "# settings of every web page\n"
        "editorial_polcy: https://example.org/policy\n"
        "editorial_policy:\n"
        "  - https://example.org/policy\n"
        "theme: dark\n")
    report = check([web_site.parent / "web.md"],
                   BuildOptions(styles=styles, bibliography_dir=web_site.parent))
    assert [str(p) for p in report.problems] == [
        ("styles/site.yaml:2: unknown setting 'editorial_polcy' (did you mean "
        "'editorial_policy'?)"),
        ("styles/site.yaml:4: 'editorial_policy' must be a web address (https://... or a path "
        "relative to the pages), found a list"),
        "styles/site.yaml:5: unknown setting 'theme'; known: editorial_policy"]
    assert not report.ok


@pytest.mark.parametrize("text, problems", [
    ("editorial_policy: 2024\n", [("styles/site.yaml:1: 'editorial_policy' must be a web address "
                                  "(https://... or a path relative to the pages), found a number")]),
    ("editorial_policy: javascript:alert(1)\n",
     [("styles/site.yaml:1: 'editorial_policy' must be a web address (https://... or a path "
      "relative to the pages), found 'javascript:alert(1)'")]),
    ("editorial_policy: https://...\n",
     [("styles/site.yaml:1: 'editorial_policy' must be a web address (https://... or a path "
       "relative to the pages), found 'https://...' (its host '...' is not a host name: write "
       "the address readers will open)")]),
    ("- editorial_policy: https://example.org\n",
     [("styles/site.yaml:1: must map setting names to values, such as "
      "'editorial_policy: https://...'; found a list")]),
    ("editorial_policy: https://a.example\neditorial_policy: https://b.example\n",
     ["styles/site.yaml:2: 'editorial_policy' is given twice"]),
    ("editorial_policy: [https://a.example\n",
     ["styles/site.yaml:2: not valid YAML: did not find expected ',' or ']'"]),
    ("# nothing set\n", []),
])
def test_site_settings_schema(text, problems):
    from pipeline.sitefile import read_site_settings

    _settings, found = read_site_settings(text)
    assert [str(p) for p in found.items] == problems


def test_site_settings_read_when_right():
    from pipeline.model import SiteSettings
    from pipeline.sitefile import read_site_settings

    settings, found = read_site_settings("editorial_policy: ../policy.html\n")
    assert (settings, found.items) == (SiteSettings(editorial_policy="../policy.html"), [])


SEVERAL_MD = """\
    ---
    title: "Several works at once"
    version: 1.0.0
    status: draft
    last_updated: 2025-05-01
    bibliography: [several.bib]
    csl: {csl}
    ---

    Squares [@smith-2020; @smith-2021; @lee-2021]. Shapes [@lee-2021; @smith-2020; @ng-2022].
    """

SEVERAL_BIB = """\
    @article{smith-2020, author = {Smith, Ann}, title = {Squares}, journal = {J Sq}, year = {2020}}
    @article{smith-2021, author = {Smith, Ann}, title = {Cubes}, journal = {J Sq}, year = {2021}}
    @book{lee-2021, author = {Lee, Bo}, title = {Shapes}, publisher = {Press}, year = {2021}}
    @book{ng-2022, author = {Ng, Cy}, title = {Lines}, publisher = {Press}, year = {2022}}
    """


def _links_in_page_and_book(tmp_path: Path, csl: str) -> tuple[list, list]:
    import zipfile

    from lxml import etree

    folder = tmp_path / csl
    folder.mkdir()
    (folder / "several.md").write_text(textwrap.dedent(SEVERAL_MD).format(csl=csl))
    (folder / "several.bib").write_text(textwrap.dedent(SEVERAL_BIB))
    out = build_fixed([folder / "several.md"], folder / "dist", formats=("html", "epub"))
    root = page(out / "several.clinician.html")
    web = [(text_of(a), a.get("href"), a.get("id")) for a in root.cssselect(".citation a")]
    web_backs = [(entry.get("id"), [a.get("href") for a in entry.cssselect("a.cite-back")])
                 for entry in root.cssselect(".csl-entry")]
    book, book_backs = [], []
    with zipfile.ZipFile(out / "several.clinician.epub") as epub:
        for name in sorted(n for n in epub.namelist() if n.endswith(".xhtml")):
            tree = etree.fromstring(epub.read(name))
            for a in tree.iter("{http://www.w3.org/1999/xhtml}a"):
                if a.get("role") == "doc-biblioref":
                    book.append(("".join(a.itertext()), a.get("href").split("#")[1], a.get("id")))
                elif a.get("role") == "doc-backlink":
                    book_backs.append(a.get("href").split("#")[1])
    assert [(t, "#" + h, i) for t, h, i in book] == web
    assert book_backs == [href[1:] for _entry, hrefs in web_backs for href in hrefs]
    return web, web_backs


def test_each_work_of_an_author_date_citation_links_to_its_own_entry_and_back(tmp_path):
    web, backs = _links_in_page_and_book(tmp_path, "apa")
    assert web == [("Lee, 2021", "#ref-lee-2021", "cite-lee-2021-1"),
                   ("Smith, 2020", "#ref-smith-2020", "cite-smith-2020-1"),
                   ("2021", "#ref-smith-2021", "cite-smith-2021-1"),
                   ("Lee, 2021", "#ref-lee-2021", "cite-lee-2021-2"),
                   ("Ng, 2022", "#ref-ng-2022", "cite-ng-2022-1"),
                   ("Smith, 2020", "#ref-smith-2020", "cite-smith-2020-2")]
    assert backs == [("ref-lee-2021", ["#cite-lee-2021-1", "#cite-lee-2021-2"]),
                     ("ref-ng-2022", ["#cite-ng-2022-1"]),
                     ("ref-smith-2020", ["#cite-smith-2020-1", "#cite-smith-2020-2"]),
                     ("ref-smith-2021", ["#cite-smith-2021-1"])]


def test_a_collapsed_range_links_its_first_and_last_work_and_all_link_back(tmp_path):
    web, backs = _links_in_page_and_book(tmp_path, "elsevier-vancouver")
    assert web == [("1", "#ref-smith-2020", "cite-smith-2020-1"),
                   ("3", "#ref-lee-2021", "cite-lee-2021-1"),
                   ("1", "#ref-smith-2020", "cite-smith-2020-2"),
                   ("3", "#ref-lee-2021", "cite-lee-2021-2"),
                   ("4", "#ref-ng-2022", "cite-ng-2022-1")]
    # the work inside the range ("2" of "1–3") points back to the range
    assert dict(backs)["ref-smith-2021"] == ["#cite-smith-2020-1"]


CAPTION_MD = """\
    ---
    title: "A figure whose caption cites"
    version: 0.3.0
    status: draft
    last_updated: 2025-05-01
    bibliography: [web.bib]
    ---

    ![A red square, as drawn by @smith-2020[^1].](red.png)

    Squares help [@smith-2020].

    <details>
    <summary>Why shapes [@lee-2021]? See [the rules](https://example.org/rules).</summary>

    Because.

    </details>

    [^1]: Redrawn.
    """


def test_a_citation_in_a_figure_caption_links_back_and_the_caption_is_not_hidden(tmp_path):
    """pandoc repeats a caption as its picture's alternative text, plain words there.

    A summary (the control that opens its details) holds no link: a citation
    there is words that keep the id its reference links back to.
    """
    import zipfile

    from helpers import epubcheck
    from lxml import etree
    from PIL import Image

    (tmp_path / "c.md").write_text(textwrap.dedent(CAPTION_MD))
    (tmp_path / "web.bib").write_text(textwrap.dedent(WEB_BIB))
    Image.new("RGB", (8, 8), (200, 0, 0)).save(tmp_path / "red.png")
    out = build_fixed([tmp_path / "c.md"], tmp_path / "dist", formats=("html", "epub"))
    root = page(out / "c.clinician.html")
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    backs = [a.get("href") for a in root.cssselect("a.cite-back")]
    assert backs == ["#cite-smith-2020-1", "#cite-smith-2020-2", "#cite-lee-2021-1"]
    assert all(href[1:] in ids for href in backs)
    summary = root.cssselect("details summary")[0]
    assert not summary.cssselect("a") and " ".join(summary.text_content().split()) == \
        "Why shapes2? See the rules."
    caption = root.cssselect("figure figcaption")[0]
    assert caption.get("aria-hidden") is None and len(caption.cssselect("a")) == 2
    book = out / "c.clinician.epub"
    with zipfile.ZipFile(book) as epub:
        captions = [c for n in epub.namelist() if n.endswith(".xhtml")
                    for c in etree.fromstring(epub.read(n)).iter(
                        "{http://www.w3.org/1999/xhtml}figcaption")]
        summaries = [c for n in epub.namelist() if n.endswith(".xhtml")
                     for c in etree.fromstring(epub.read(n)).iter(
                         "{http://www.w3.org/1999/xhtml}summary")]
    assert [c.get("aria-hidden") for c in captions] == [None]
    assert [len(list(s.iter("{http://www.w3.org/1999/xhtml}a"))) for s in summaries] == [0]
    assert epubcheck([book])[book] == []
