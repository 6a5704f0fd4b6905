"""What a PDF attaches: its edition's own source, and the entries it cites.

A handout leaves the building, so its attachments carry nothing an editor
did not mean to publish:

- the source is the front matter (the values of the fields a handout reads,
  naming this audience and the attached .bib; YAML comments and unknown
  fields, such as a reviewer's e-mail, dropped) and the body as this edition's
  audience reads it: other audiences' blocks and spans
  removed, HTML comments removed, written back as pandoc Markdown;
- the bibliography holds only the entries the edition cites, each with only
  its bibliographic fields (``BIBLIOGRAPHIC_FIELDS``, an allow-list: a field
  it does not name, such as a reference manager's ``file`` path, an
  ``abstract``, ``note`` or ``keywords``, is left out).  Values an entry
  inherits through ``crossref``/``xdata`` are written into it, and the
  ``@string`` abbreviations its kept fields use come along.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from .bibtex import BibEntry
from .bibtex_tex import local_url, note_url
from .bibtypes import web_of_science
from .frontmatter import parse_front_matter, read_text, split_front_matter
from .model import CitedDocument
from .pandoc import ast_to
from .tree import Node, rewrite, transform

NAME_ROLES = (
    "author", "editor", "editora", "editorb", "editorc", "translator", "bookauthor",
    "annotator", "commentator", "introduction", "foreword", "afterword", "holder",
    "organization", "institution", "school",
)
BIBLIOGRAPHIC_FIELDS = frozenset(NAME_ROLES + (
    "title", "subtitle", "titleaddon", "shorttitle", "booktitle", "booksubtitle",
    "booktitleaddon", "maintitle", "mainsubtitle", "maintitleaddon", "journal",
    "journaltitle", "journalsubtitle", "shortjournal", "issuetitle", "issuesubtitle",
    "eventtitle", "container-title", "publisher", "address", "location", "place", "venue",
    "date", "year", "month", "day", "eventdate", "origdate", "urldate", "volume", "volumes",
    "number", "issue", "pages", "pagetotal", "chapter", "edition", "series", "part", "eid",
    "doi", "pmid", "pmcid", "eprint", "eprinttype", "eprintclass", "archiveprefix",
    "primaryclass", "isbn", "issn", "isrn", "url", "type", "entrysubtype", "howpublished",
    "version", "language", "langid", "pubstate", "category",
))
# biblatex's inheritance: a part in a whole takes the whole's title as its booktitle.
PARTS = {"inproceedings", "incollection", "inbook", "bookinbook", "suppbook",
         "suppcollection", "inreference", "suppperiodical"}
INHERITED_TITLES = {"title": "booktitle", "subtitle": "booksubtitle",
                    "titleaddon": "booktitleaddon"}
BUILTIN_MACROS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                  "nov", "dec"}
STRING_DEFINITION = re.compile(r"@string\s*[{(]\s*([^\s=#{}(),]+)\s*=", re.IGNORECASE)
COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)


# ---------------------------------------------------------------- the source

def edition_source(doc: CitedDocument) -> str:
    """The manuscript as ``doc``'s audience reads it: front matter, then the body."""
    m = doc.manuscript
    front, _body, _line = split_front_matter(m.path, read_text(m.path))
    data = public_front_matter(parse_front_matter(m.path, front)[0])
    # The attached pair builds this edition again: its audience, the attached .bib.
    data["audiences"] = [doc.audience]
    data["slug"] = m.slug
    if "bibliography" in data:
        data["bibliography"] = [f"{m.slug}.bib"] if doc.references else []
    header = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    body = public_body(doc.source_ast or {"pandoc-api-version": [], "meta": {}, "blocks": []},
                       doc.audience)
    return f"---\n{header}---\n\n{body}"


def public_front_matter(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a handout reads, each person and change with only its known keys.

    A field the template does not use (``internal_notes``, a reviewer's
    ``email``) was warned about as unknown, and stays behind.
    """
    from .field_values import CHANGE_KEYS, PERSON_KEYS
    from .fields import KNOWN

    def known(value: Any, keys: tuple[str, ...]) -> Any:
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k in keys}
        if isinstance(value, list):
            return [known(item, keys) if isinstance(item, dict) else item for item in value]
        return value

    kept = {key: value for key, value in data.items() if key in KNOWN}
    for field, keys in (("authors", PERSON_KEYS), ("reviewers", PERSON_KEYS),
                        ("changes", CHANGE_KEYS)):
        if field in kept:
            kept[field] = known(kept[field], keys)
    return kept


CLEANED = ("RawBlock", "RawInline", "Div", "Span")  # what public_body's clean may change


def public_body(edition: Mapping[str, Any], audience: str) -> str:
    """The edition's AST (other audiences already removed) as Markdown, without comments."""
    marker = f"audience-{audience}"

    def clean(node: Node) -> Any:
        t = node["t"]
        if t in ("RawBlock", "RawInline") and node["c"][0].lower() in ("html", "html5", "html4"):
            text = COMMENT.sub("", node["c"][1])
            return [] if not text.strip() else {"t": t, "c": [node["c"][0], text]}
        if t in ("Div", "Span") and marker in node["c"][0][1]:
            ident, classes, attrs = node["c"][0]
            inner = transform(node["c"][1], clean)
            rest = [c for c in classes if c != marker]
            if not ident and not rest and not attrs:
                return inner
            return {"t": t, "c": [[ident, rest, attrs], inner]}
        return None

    ast = {**edition, "meta": {}, "blocks": rewrite(list(edition["blocks"]), clean, CLEANED)}
    return ast_to(ast, "markdown", ["--wrap=none"])


# ---------------------------------------------------------------- the bibliography

def cited_bibtex(entries: Mapping[str, BibEntry], keys: list[str]) -> str:
    """BibTeX for ``keys`` (in that order): bibliographic fields only, inheritance resolved."""
    blocks: list[str] = []
    strings: dict[str, str] = {}
    for key in dict.fromkeys(keys):
        entry = entries.get(key)
        if entry is None:
            continue
        fields = public_fields(entry, entries)
        for name in sorted(_macros_of(fields, entry, strings)):
            strings.setdefault(name, _string_definitions(entry.strings).get(name, ""))
        width = max((len(name) for name, _ in fields), default=0)
        lines = [f"  {name.ljust(width)} = {value}" for name, value in fields]
        blocks.append(f"@{entry.type}{{{entry.key},\n" + ",\n".join(lines) + "\n}")
    used = [text for _name, text in sorted(strings.items()) if text]
    return "\n\n".join(used + blocks) + ("\n" if blocks else "")


def public_fields(entry: BibEntry, entries: Mapping[str, BibEntry]) -> list[tuple[str, str]]:
    """(name, raw BibTeX value) of ``entry``'s allowed fields, with inherited ones."""
    postal = ("address", "location") if web_of_science(entry) else ()  # a publisher's street
    own = [(name, value) for name, value in entry.values
           if name in BIBLIOGRAPHIC_FIELDS and name not in postal]
    have = {name for name, _ in own}
    seen = {entry.key}
    for link in ("crossref", "xdata"):
        parent_key = _plain_key(dict(entry.values).get(link, ""))
        parent = entries.get(parent_key)
        while parent is not None and parent.key not in seen:
            seen.add(parent.key)
            for name, value in parent.values:
                target = INHERITED_TITLES.get(name, name) \
                    if link == "crossref" and entry.type in PARTS else name
                if target in BIBLIOGRAPHIC_FIELDS and target not in have:
                    own.append((target, value))
                    have.add(target)
            parent = entries.get(_plain_key(dict(parent.values).get(link, "")))
    url = None if "url" in have else note_url(dict(entry.values).get("note", ""))
    if url and not local_url(url):  # note = {Available at: \url{...}}: the URL printed
        own.append(("url", "{" + url + "}"))
    return [(name, _web_urls(value) if name == "url" else value) for name, value in own
            if name != "url" or _web_urls(value)]


def _web_urls(value: str) -> str:
    """A ``url`` value without the files on the editor's computer EndNote or Papers add."""
    words = value.strip().strip('{}"').split()
    if not any(local_url(word) for word in words):
        return value
    return "{" + " ".join(word for word in words if not local_url(word)) + "}" \
        if not all(local_url(word) for word in words) else ""


def _plain_key(value: str) -> str:
    return value.strip().strip("{}\"").strip()


def _macros_of(fields: list[tuple[str, str]], entry: BibEntry, known: Mapping[str, str]
               ) -> set[str]:
    """The @string names the values use, and those their definitions use in turn."""
    definitions = _string_definitions(entry.strings)
    found: set[str] = set()
    todo = [value for _name, value in fields]
    while todo:
        for name in _bare_words(todo.pop()):
            if name not in found and name not in BUILTIN_MACROS:
                found.add(name)
                text = definitions.get(name) or known.get(name) or ""
                todo.append(text.split("=", 1)[1] if "=" in text else "")
    return found


def _bare_words(value: str) -> list[str]:
    """Macro names in a BibTeX value: words outside braces and quotes."""
    words, depth, quoted, current = [], 0, False, ""
    for ch in value + " ":
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif depth == 0 and not quoted and (ch.isalnum() or ch in "_:.+-"):
            current += ch
            continue
        if current and not current.isdigit():
            words.append(current.lower())
        current = ""
    return words


def _string_definitions(strings: str) -> dict[str, str]:
    """{name: its whole ``@string{...}`` text} from a file's joined definitions."""
    starts = list(STRING_DEFINITION.finditer(strings))
    out: dict[str, str] = {}
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(strings)
        out[m.group(1).lower()] = strings[m.start():end].strip()
    return out
