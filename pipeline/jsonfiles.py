"""A JSON bibliography read item by item, each at its line; databases' own JSON named.

A CSL-JSON list, one item, ``{"items": [...]}``, or Crossref's API answer
(``{"message": work}``, keyed by its DOI).  OpenAlex, Semantic Scholar, ORCID
and PubMed's E-utilities each answer with their own JSON: read as CSL-JSON,
an OpenAlex work was an item with a URL for a key and no authors, and the
others one "item has no 'id'" each, so each is named instead.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .bibrecords import Finding

# (what marks it, what it is, what to export instead)
_KINDS = (
    (lambda v: "authorships" in v or str(v.get("id", "")).startswith("https://openalex.org/"),
     "OpenAlex's JSON (works with 'authorships')", "BibTeX or RIS"),
    (lambda v: "paperId" in v, "Semantic Scholar's JSON (papers with 'paperId')",
     "BibTeX (the paper's 'Cite' button)"),
    (lambda v: "put-code" in v or "work-summary" in v or "group" in v and "last-modified-date" in v,
     "ORCID's JSON (works with 'put-code')", "BibTeX (ORCID's 'Export works')"),
    (lambda v: isinstance(v.get("header"), dict) and v["header"].get("type") == "esummary",
     "PubMed's E-utilities JSON (esummary)", "PubMed's .nbib ('Send to: Citation manager')"),
)


def database_json(value: Any) -> str | None:
    """Why a JSON value is a database's own JSON and not CSL-JSON, or None."""
    if isinstance(value, dict) and isinstance(value.get("results"), list) and value["results"]:
        value = value["results"][0]  # a page of OpenAlex's answer: {"meta", "results"}
    if not isinstance(value, dict) or "type" in value and "title" in value and (
            "author" in value or "issued" in value):
        return None
    for marks, what, instead in _KINDS:
        if marks(value):
            return f"this is {what}, not CSL-JSON: export the references as {instead}"
    return None


# An item as read: its first line, its text, its value, the line of each of its fields.
Located = tuple[int, str, Any, dict[str, int]]


def json_items(text: str, findings: list[Finding]) -> list[Located]:
    """The items of a JSON bibliography, each with its line and the line of each field."""
    decoder = json.JSONDecoder()
    i = _skip(text, 0)
    if i >= len(text):
        return []  # an empty file: said by the reader of bibliographies
    if i < len(text) and text[i] == "{":  # one item, or {"items": [...]}
        try:
            value, _ = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            findings.append(Finding(exc.lineno, f"not valid JSON: {exc.msg}"))
            return []
        if isinstance(value.get("message"), dict):  # Crossref's API: {"message": work}
            value = value["message"]
            if "DOI" in value and "items" not in value:
                value.setdefault("id", value["DOI"])  # cited as @{10.1177/...}
        foreign = database_json(value)
        if foreign:
            findings.append(Finding(line_of(text, i), foreign, dropped=False, code="bibtex-empty"))
            return []
        items = value.get("items") if isinstance(value.get("items"), list) else [value]
        return [(line_of(text, i), json.dumps(v, ensure_ascii=False), v, {}) for v in items]
    if i >= len(text) or text[i] != "[":
        findings.append(Finding(line_of(text, i), "a CSL-JSON bibliography is a list of items: "
                                "it starts with '['"))
        return []
    out = []
    i = _skip(text, i + 1)
    while i < len(text) and text[i] != "]":
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            findings.append(Finding(exc.lineno, f"not valid JSON: {exc.msg} (column "
                                    f"{exc.colno}); the items after it are not read"))
            return out
        first = line_of(text, i)
        out.append((first, text[i:end], value, _json_key_lines(text[i:end], first)))
        i = _skip(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
        elif i < len(text) and text[i] != "]":
            findings.append(Finding(line_of(text, i), "not valid JSON: expected ',' or ']' after "
                                    "an item; the items after it are not read"))
            return out
    return out


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def line_of(text: str, i: int) -> int:
    """The line of position ``i`` of ``text``."""
    return text.count("\n", 0, i) + 1


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]')


def _json_key_lines(raw: str, first: int) -> dict[str, int]:
    """The line of each key of the JSON object ``raw`` (which starts at line ``first``)."""
    lines: dict[str, int] = {}
    depth = 0
    for match in _JSON_TOKEN.finditer(raw):
        token = match.group()
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
        elif depth == 1 and raw[match.end():].lstrip().startswith(":"):
            lines.setdefault(json.loads(token), first + raw.count("\n", 0, match.start()))
    return lines
