"""The journal macros of aas_macros.sty, which NASA ADS exports use in place of a name.

An ADS export writes ``journal = {\\apj}``: the journal's abbreviation is
defined by the AAS macro package every astronomy journal's LaTeX class loads.
pandoc's reader knows no such macro and drops it, so the reference loses its
journal; the project reads the macros as the package defines them.  A field
that is only some other macro, which no reader can print, is left out with a
warning.
"""

from __future__ import annotations

import re

# aas_macros.sty's definitions (TeX as written there)
AAS_JOURNALS = {
    "aj": "AJ", "psj": "PSJ", "araa": "ARA\\&A", "apj": "ApJ", "apjl": "ApJL",
    "apjlett": "ApJL", "apjs": "ApJS", "apjsupp": "ApJS", "ao": "ApOpt", "applopt": "ApOpt",
    "apss": "Ap\\&SS", "aap": "A\\&A", "astap": "A\\&A", "aapr": "A\\&A~Rv",
    "aaps": "A\\&AS", "azh": "AZh", "baas": "BAAS", "icarus": "Icarus", "jaavso": "JAAVSO",
    "jrasc": "JRASC", "memras": "MmRAS", "mnras": "MNRAS", "pra": "PhRvA", "prb": "PhRvB",
    "prc": "PhRvC", "prd": "PhRvD", "pre": "PhRvE", "prl": "PhRvL", "pasp": "PASP",
    "pasj": "PASJ", "qjras": "QJRAS", "skytel": "S\\&T", "solphys": "SoPh",
    "sovast": "Soviet~Ast.", "ssr": "SSRv", "zap": "ZA", "nat": "Nature", "iaucirc": "IAUC",
    "aplett": "Astrophys.~Lett.", "apspr": "Astrophys.~Space~Phys.~Res.", "bain": "BAN",
    "fcp": "FCPh", "gca": "GeoCoA", "grl": "Geophys.~Res.~Lett.", "jcp": "JChPh",
    "jgr": "J.~Geophys.~Res.", "jqsrt": "JQSRT", "memsai": "MmSAI", "nphysa": "NuPhA",
    "physrep": "PhR", "physscr": "PhyS", "planss": "Planet.~Space~Sci.",
    "procspie": "Proc.~SPIE", "actaa": "AcA", "caa": "ChA\\&A", "cjaa": "ChJA\\&A",
    "jcap": "JCAP", "na": "NewA", "nar": "NewAR", "pasa": "PASA", "rmxaa": "RMxAA",
    "maps": "M\\&PS", "aas": "AAS Meeting Abstracts", "dps": "AAS/DPS Meeting Abstracts",
}
_LOGOS = frozenset({"TeX", "LaTeX", "LaTeXe", "BibTeX", "XeTeX", "LuaTeX", "ConTeXt"})
_ONLY_MACRO = re.compile(r"^[\s{]*\\([A-Za-z]+)[\s{}]*$")


def journal_macro(value: str) -> tuple[str, str | None]:
    """``value`` with an AAS journal macro spelled out; the name of any other macro that is
    the whole value (its text unknown), else None."""
    m = _ONLY_MACRO.match(value)
    if not m or value.count("{") != value.count("}"):
        return value, None
    name = m.group(1)
    if name in AAS_JOURNALS:
        return "{" + AAS_JOURNALS[name] + "}", None
    from pylatexenc.latex2text import LatexNodes2Text

    if name in _LOGOS or LatexNodes2Text().latex_to_text(value).strip():
        return value, None  # \LaTeX, \ss, \o: a macro with text
    return value, name
