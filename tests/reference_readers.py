"""What biber and pandoc read from a .bib, in the terms the project reads it.

biber (``biber --tool --output-resolve``) is biblatex's own reader: it
resolves crossref and xdata and parses names into family, given, prefix and
suffix.  Its BibLaTeXML output keeps those parts apart, so it is the form
compared (the ``--output-format=bibtex`` form writes the same names back
as one string).  pandoc's ``-t csljson`` is the reader the project itself
builds on.  Each function gives, per entry key, a small comparable record:
names per CSL variable as (particle, family, given, suffix) or a literal,
dates as ISO 8601 text (ranges with ``/``), and fields by biblatex name.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from lxml import etree

from pipeline.bibtypes import NAME_FIELDS, ROLES

BLTX = "{http://biblatex-biber.sourceforge.net/biblatexml}"
Name = tuple[str, str, str, str]  # (particle, family, given, suffix); literal: ("", x, "", "")
# biblatex's field aliases, as biber writes them.
ALIASES = {"journal": "journaltitle", "address": "location", "school": "institution",
           "annote": "annotation", "archiveprefix": "eprinttype", "primaryclass": "eprintclass",
           "key": "sortkey", "pdf": "file"}


def biber_path() -> str | None:
    """biber on the PATH (Debian's package), or None."""
    return shutil.which("biber")


def run_biber(bib: Path, work: Path) -> subprocess.Popen:
    """Start biber on a copy of ``bib`` in ``work``; its BibLaTeXML is ``work/<stem>.bltxml``."""
    shutil.copy(bib, work / bib.name)  # biber writes its log beside the file it reads
    return subprocess.Popen(
        ["biber", "--quiet", "--tool", "--output-format=biblatexml", "--output-resolve",
         f"--output-file={bib.stem}.bltxml", bib.name],
        cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def read_biber(path: Path) -> dict[str, dict[str, Any]]:
    """key -> {"type", "names": {variable: [Name]}, "dates": {...}, "fields": {...}}."""
    root = etree.parse(str(path)).getroot()
    out = {}
    for entry in root.iter(f"{BLTX}entry"):
        fields: dict[str, str] = {}
        names: dict[str, list[Name]] = {}
        dates: dict[str, str] = {}
        roles = {child.tag[len(BLTX):]: child.text or "" for child in entry
                 if child.tag.endswith("type")}
        for child in entry:
            tag = child.tag[len(BLTX):]
            if tag == "names":
                field = child.get("type")
                variable = _variable(field, roles)
                people = [_biber_name(n) for n in child.iter(f"{BLTX}name")]
                if child.get("morenames"):
                    people.append(("", "et al.", "", ""))
                names.setdefault(variable, []).extend(people)
            elif tag == "date":
                dates[(child.get("type") or "") + "date"] = _biber_date(child)
            else:
                fields[tag] = _text(child)
        out[entry.get("id")] = {"type": entry.get("entrytype"), "names": names,
                                "dates": dates, "fields": fields}
    return out


def _variable(field: str, roles: dict[str, str]) -> str:
    if field == "author":
        return "author"
    role_field, default = NAME_FIELDS.get(field, (None, field))
    role = roles.get(role_field or "", "").lower()
    return ROLES.get(role, default) if role else default


def _biber_name(name: etree._Element) -> Name:
    parts = {}
    for part in name.findall(f"{BLTX}namepart"):
        words = [w.text or "" for w in part.findall(f"{BLTX}namepart")] or [part.text or ""]
        parts[part.get("type")] = " ".join(words)
    return (parts.get("prefix", ""), parts.get("family", ""), parts.get("given", ""),
            parts.get("suffix", ""))


def _biber_date(node: etree._Element) -> str:
    if node.find(f"{BLTX}start") is not None:
        start = node.findtext(f"{BLTX}start") or ""
        end = node.findtext(f"{BLTX}end") or ""
        return f"{start}/{end}"
    return node.text or ""


def _text(node: etree._Element) -> str:
    items = node.findall(f"{BLTX}list/{BLTX}item")
    if items:
        return " and ".join(_text(i) for i in items)
    if node.find(f"{BLTX}start") is not None:
        return f"{node.findtext(f'{BLTX}start')}--{node.findtext(f'{BLTX}end')}"
    return " ".join("".join(node.itertext()).split())


def pandoc_items(bib: Path, reader: str) -> dict[str, dict[str, Any]] | str:
    """pandoc's CSL-JSON items by id, or its refusal (the first line of its message)."""
    from pypandoc import get_pandoc_path

    done = subprocess.run([get_pandoc_path(), "-f", reader, "-t", "csljson", str(bib)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        return " ".join(done.stderr.split())
    return {item["id"]: item for item in json.loads(done.stdout)}


def csl_record(item: dict[str, Any]) -> dict[str, Any]:
    """A CSL item's names and dates in the comparable form."""
    names = {k: [_csl_name(n) for n in v] for k, v in item.items()
             if isinstance(v, list) and v and isinstance(v[0], dict)}
    dates = {}
    for variable, field in (("issued", "date"), ("accessed", "urldate")):
        if isinstance(item.get(variable), dict):
            dates[field] = csl_date(item[variable])
    return {"type": item.get("type"), "names": names, "dates": dates}


def _csl_name(name: dict[str, Any]) -> Name:
    if "literal" in name:
        return ("", name["literal"], "", "")
    particle = " ".join(name[k] for k in ("dropping-particle", "non-dropping-particle")
                        if name.get(k))
    return (particle, name.get("family", ""), name.get("given", ""), name.get("suffix", ""))


def csl_date(date: dict[str, Any]) -> str:
    """``{"date-parts": [[2017, 2], [2017, 3]]}`` -> ``2017-02/2017-03``."""
    if "date-parts" not in date:
        return str(date.get("raw") or date.get("literal") or "")
    return "/".join("-".join(f"{int(p):02d}" if i else f"{int(p):04d}"
                             for i, p in enumerate(parts))
                    for parts in date["date-parts"])


def plain(value: str) -> str:
    """A field value without TeX braces, for comparing values written differently."""
    return " ".join(re.sub(r"[{}]", "", value).split())
