"""CSL-JSON (``.json``) and CSL-YAML (``.yaml``/``.yml``) bibliographies, item by item.

Zotero, Better BibTeX, pandoc and Quarto write these: a JSON array of CSL
items, or YAML with a ``references:`` list (a bare list is read too).  Each
item is checked on its own and reported at its line (a field at the field's
line): one without an ``id`` is skipped, a field of the wrong shape is dropped
with a warning, the rest is kept.  Dates may be ``{"date-parts": ...}``,
``raw``, ``literal`` or an EDTF string (``2020-03``, ``2019/2021``);
initials-only given names keep every initial.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from pathlib import Path
from typing import Any

import yaml

from .bibrecords import Finding
from .bibtex_tex import local_url, local_url_message
from .bibtypes import CROSSREF_TYPES, CROSSREF_VARIABLES, CSL_ITEM_TYPES, CSL_VARIABLES
from .bibtypes import CSL_DATES as DATES
from .bibtypes import CSL_NAMES as NAMES
from .controls import FORBIDDEN, control_fate, control_name, without_controls
from .cslbibtex import BIBTEX_TYPES, bibtex_values
from .cslitems import NAME_PARTS, fix_item, initialled
from .errors import yaml_problem
from .frontmatter import read_text
from .jsonfiles import Located, database_json, json_items

UNTYPED = "document"  # the CSL type of an item that gives none
_EDTF = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")

try:  # the C loader is several times faster on large files
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def read_csl_file(path: Path) -> tuple[list, list[Finding]]:
    """(entries, findings) of a CSL-JSON or CSL-YAML file."""
    text = read_text(path)
    findings: list[Finding] = []
    suffix = path.suffix.lower()
    from .bibconverted import endnote_items, misnamed_file, ris_items
    from .medline import medline_items

    misnamed = misnamed_file(text, suffix, path.stem)
    try:
        if misnamed:
            findings.append(Finding(1, misnamed, dropped=False, code="bibtex-empty"))
            located = []
        else:
            located = {".json": json_items, ".ris": ris_items, ".xml": endnote_items,
                       ".nbib": medline_items, ".medline": medline_items}.get(
                suffix, _yaml_items)(text, findings)
    except RecursionError:  # deeper than Python's readers go: a damaged or hostile file
        findings.append(Finding(1, "nests lists or mappings too deeply to be read (thousands "
                                "of levels); export the bibliography again", dropped=False,
                                code="bibtex-empty"))
        located = []
    foreign = database_json(located[0][2]) if located else None
    if foreign:
        findings.append(Finding(located[0][0], foreign, dropped=False, code="bibtex-empty"))
        located = []
    if located and all(_zotero_item(item) for _, _, item, _ in located):
        findings.append(Finding(located[0][0], "this is Zotero's own JSON (items with "
                                "'itemType'), not CSL-JSON: export the items as 'CSL JSON'",
                                dropped=False, code="bibtex-empty"))
        located = []
    from .bibtex import BibEntry

    entries = []
    seen: dict[str, int] = {}
    for line, raw, item, lines in located:
        checked = _check(item, line, lines, findings)
        if checked is None:
            continue
        key = checked["id"]
        if key in seen:
            findings.append(Finding(line, f"item '{key}' is defined twice in this file (first "
                                    f"at line {seen[key]}); this item is ignored", key, False,
                                    "duplicate-key"))
            continue
        seen[key] = line
        fields = tuple((k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                       for k, v in item.items() if k != "id")
        entries.append(BibEntry(
            key=key, type=BIBTEX_TYPES.get(checked["type"], "misc"), path=path, line=line,
            raw=raw, fields=fields,
            field_lines=tuple(lines.get(k, line) for k, _ in fields),
            written_type=checked["type"], values=bibtex_values(checked),
            item=json.dumps(checked, ensure_ascii=False, sort_keys=True)))
    return entries, findings


def _zotero_item(item: Any) -> bool:
    """An item as Zotero's web API (``{"key", "data": {"itemType"}}``) or its JSON gives it."""
    if not isinstance(item, dict) or "type" in item:
        return False
    data = item.get("data")
    return "itemType" in item or isinstance(data, dict) and "itemType" in data


def _yaml_items(text: str, findings: list[Finding]) -> list[Located]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return []
        if isinstance(node, yaml.MappingNode):
            refs = [v for k, v in node.value if getattr(k, "value", None) == "references"]
            if not refs:
                findings.append(Finding(node.start_mark.line + 1, "a CSL-YAML bibliography has "
                                        "a 'references:' list of items"))
                return []
            node = refs[0]
        if not isinstance(node, yaml.SequenceNode):
            findings.append(Finding(node.start_mark.line + 1, "'references' must be a list of "
                                    "items ('- id: ...')"))
            return []
        lines = text.split("\n")
        out = []
        for child in node.value:
            try:
                value = loader.construct_object(child, deep=True)
            except (yaml.YAMLError, ValueError, TypeError) as exc:
                findings.append(Finding(child.start_mark.line + 1, f"item cannot be read: {exc}"))
                continue
            raw = "\n".join(lines[child.start_mark.line:child.end_mark.line + 1])
            keys = ({str(k.value): k.start_mark.line + 1 for k, _ in child.value}
                    if isinstance(child, yaml.MappingNode) else {})
            out.append((child.start_mark.line + 1, raw, _plain(value), keys))
        return out
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = yaml_problem(exc.problem, "export the bibliography again") if exc.problem else str(exc)
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            what += f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        findings.append(Finding(line, f"not valid YAML: {what}; the items after it are not "
                                "read"))
        return []
    finally:
        loader.dispose()


def _plain(value: Any) -> Any:
    """YAML dates as EDTF text, as in CSL-JSON."""
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def json_kind(value: Any) -> str:
    """What a JSON or YAML value is, in words (not as Python names its type)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value[:40]!r})"
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) \
        else f"a {type(value).__name__} value"


def _check(item: Any, line: int, lines: dict[str, int],
           findings: list[Finding]) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        findings.append(Finding(line, "an item must be an object of CSL fields such as "
                                '{"id": "doe2020", "type": "article-journal"}, found '
                                f"{json_kind(item)}"))
        return None
    key = item.get("id")
    if isinstance(key, bool) or not isinstance(key, str | int) or not str(key).strip():
        findings.append(Finding(line, "item has no 'id': it cannot be cited"))
        return None
    key = str(key).strip()
    out: dict[str, Any] = {"id": key}
    kind = item.get("type")
    if not isinstance(kind, str) or not kind.strip():
        said = " has no 'type'" if kind is None or isinstance(kind, str) else \
            f": 'type' must be text such as 'article-journal', found {json_kind(kind)}"
        findings.append(Finding(lines.get("type", line), f"item '{key}'{said}; read as "
                                f"'{UNTYPED}'", key, False, "csl-item"))
        kind = UNTYPED
    out["type"] = _type(key, kind.strip(), lines.get("type", line), findings)
    for name, value in item.items():
        if name in ("id", "type"):
            continue
        at = lines.get(name, line)  # the field's line
        if name in CROSSREF_VARIABLES and CROSSREF_VARIABLES[name] not in item:
            name = CROSSREF_VARIABLES[name]  # Crossref's short-title, Zotero's shortTitle
        if name in NAMES:
            names = _names(value)
            if names is None:
                findings.append(Finding(at, f"item '{key}': '{name}' must be a list of names "
                                        "({family, given} or {literal}); left out", key, False,
                                        "csl-item"))
                continue
            if len(names) < len(value if isinstance(value, list) else [value]):
                findings.append(Finding(at, f"item '{key}': a name in '{name}' has no family, "
                                        "given or literal name; it is left out", key, False,
                                        "csl-item"))
            out[name] = names
        elif name in DATES:
            date = _date(value)
            if date is None:
                findings.append(Finding(at, f"item '{key}': '{name}' is not a date "
                                        "({date-parts}, raw, literal or YYYY-MM-DD); left out",
                                        key, False, "csl-item"))
                continue
            out[name] = date
        elif name == "URL" and isinstance(value, str) and any(map(local_url, value.split())):
            web = next((url for url in value.split() if not local_url(url)), "")
            if web:
                out[name] = web
            else:
                findings.append(Finding(at, local_url_message(key, value, "item"), key, False,
                                        "csl-item"))
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            out[name] = value if isinstance(value, str) else str(value)
        elif name in ("keyword", "category", "categories") and isinstance(value, list):
            out[name] = ", ".join(str(v) for v in value)
        elif name not in CSL_VARIABLES:
            continue  # Crossref's indexed, link, license, ...: no style prints them
        elif isinstance(value, list) and all(_text(v) for v in value):
            # Crossref writes text as lists: "ISSN": ["0098-7484"], "subtitle": []
            if value:
                out[name] = str(value[0])
            if len(value) > 1 and name not in ("ISSN", "ISBN", "container-title-short"):
                findings.append(Finding(at, f"item '{key}': '{name}' has {len(value)} values; "
                                        f"the first is used ('{value[0]}')", key, False,
                                        "csl-item"))
        else:
            findings.append(Finding(at, f"item '{key}': '{name}' must be text; left out", key,
                                    False, "csl-item"))
    return fix_item(_without_controls(out, key, line, findings, lines=lines))


def _without_controls(value: Any, key: str, line: int, findings: list[Finding],
                      name: str = "", lines: dict[str, int] | None = None) -> Any:
    """``value`` with control characters out of its text, each said at its field's line."""
    if isinstance(value, str):
        for match in FORBIDDEN.finditer(value):
            findings.append(Finding(line, f"item '{key}': '{name}' holds a "
                                    f"{control_name(match.group())}, which no reader can see: "
                                    f"{control_fate(match.group())}; remove it from the file",
                                    key, False, "control-character"))
        return without_controls(value) if FORBIDDEN.search(value) else value
    if isinstance(value, list):
        return [_without_controls(v, key, line, findings, name) for v in value]
    if isinstance(value, dict):
        return {k: _without_controls(v, key, (lines or {}).get(k, line), findings, name or k)
                for k, v in value.items()}
    return value


def _text(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _type(key: str, kind: str, line: int, findings: list[Finding]) -> str:
    """A CSL type; Crossref's names (``journal-article``) are read as the CSL type they are."""
    if kind in CSL_ITEM_TYPES:
        return kind
    if kind.lower() in CROSSREF_TYPES or kind.lower() in CSL_ITEM_TYPES:
        return CROSSREF_TYPES.get(kind.lower(), kind.lower())
    known = sorted(CSL_ITEM_TYPES | set(CROSSREF_TYPES))
    close = difflib.get_close_matches(kind.lower().replace(" ", "-"), known, 1, 0.7)
    hint = f" (did you mean '{CROSSREF_TYPES.get(close[0], close[0])}'?)" if close else ""
    findings.append(Finding(line, f"item '{key}': type '{kind}' is not a CSL type{hint}; read "
                            "as 'document'", key, False, "csl-item"))
    return "document"


_GROUP_AND = re.compile(r"^and\s+(?:the\s+)?", re.IGNORECASE)


def _names(value: Any) -> list[dict[str, Any]] | None:
    """A CSL name list; keys a name does not use (Crossref's ``affiliation``) are ignored."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return None
    out = []
    for name in value:
        if isinstance(name, str):
            out.append({"literal": name})
        elif isinstance(name, dict):
            parts = {k: v for k, v in name.items()
                     if k in NAME_PARTS + ("literal",) and v is not None}
            if not parts and _text(name.get("name")):  # Crossref: {"name": "X Consortium"}
                parts = {"literal": _GROUP_AND.sub("", str(name["name"]).strip())}
            if not all(_text(v) for v in parts.values()):
                return None
            cleaned = initialled(parts)
            if cleaned:
                out.append(cleaned)
        else:
            return None
    return out


def _date(value: Any) -> dict[str, Any] | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return {"date-parts": [[value]]}
    if isinstance(value, str):
        return _edtf(value)
    if isinstance(value, dict) and "year" in value:
        value = [value]
    if isinstance(value, list) and 0 < len(value) <= 2:  # Better BibTeX's YAML: year, month, day
        parts = [_named_parts(v) for v in value]
        return {"date-parts": parts} if all(parts) else None
    if not isinstance(value, dict):
        return None
    if "date-parts" in value:
        parts = value["date-parts"]
        if isinstance(parts, list) and parts and all(
                isinstance(p, list) and p and all(_int(x) is not None for x in p)
                for p in parts):
            return dict(value, **{"date-parts": [[_int(x) for x in p] for p in parts]})
        return None
    if isinstance(value.get("raw"), str):
        return _edtf(value["raw"])
    if isinstance(value.get("literal"), str):
        return {"literal": value["literal"]}
    return None


def _named_parts(value: Any) -> list[int] | None:
    """[year, month, day] of a ``{year, month, day}`` mapping; None when it is not one."""
    if not isinstance(value, dict):
        return None
    parts = []
    for name in ("year", "month", "day"):
        if name not in value:
            break
        part = _int(value[name])
        if part is None:
            return None
        parts.append(part)
    return parts or None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _edtf(text: str) -> dict[str, Any]:
    parts = []
    for half in text.strip().split("/"):
        m = _EDTF.match(half.strip())
        if not m:
            return {"literal": text.strip()}
        parts.append([int(g) for g in m.groups() if g])
    return {"date-parts": parts}
