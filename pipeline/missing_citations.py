"""Cited keys without a bibliography entry: where each is cited and what was meant.

Each missing key is reported at its line with the most specific hint found: a
cross-reference written as a citation, a Manubot identifier, a key pandoc ended
early at its punctuation, else the closest key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .bibtex import BibEntry, unreadable_entries
from .errors import Problems, did_you_mean, display_path
from .model import Manuscript


def citation_line(manuscript: Manuscript, key: str, loose: bool = False) -> int | None:
    """The manuscript line where ``@key`` first appears (``loose``: perhaps with more after),
    or TeX's ``\\cite{key}`` (see :mod:`.texwords`), MultiMarkdown's ``[#key]``, or a
    Sphinx ``cite`` role (MyST's ``{cite}`key```, pandoc's ``{.interpreted-text}``)."""
    pattern = re.compile(r"(?<![\w@])-?@\{?" + re.escape(key)
                         + ("" if loose else r"(?![\w:.#$%&+?<>~/-]*\w)")
                         + r"|\\[A-Za-z]*cite[A-Za-z]*\*?(?:\[[^\]\n]*\])*\{(?:[^{}\n]*,)?[ \t]*"
                         + re.escape(key) + r"[ \t]*[,}]|\[#" + re.escape(key) + r"\]"
                         # a role of Sphinx (sphinxcontrib-bibtex), as MyST or pandoc writes it
                         + r"|\{(?:foot)?cite(?::\w+)?\}" + _in_role(key)
                         + "|" + _in_role(key) + r"\{\.interpreted-text role=\"(?:foot)?cite")
    for offset, line in enumerate(manuscript.body.split("\n")):
        if pattern.search(line):
            return manuscript.body_line + offset
    return None



def _in_role(key: str) -> str:
    """A role's text in backticks that holds ``key`` among its comma-separated keys."""
    return r"`(?:[^`\n]*,)?[ \t]*" + re.escape(key) + r"[ \t]*(?:,[^`\n]*)?`"


LISTED_MISSING = 20  # citations without an entry, each reported with its hint


def report_missing_citations(manuscript: Manuscript, cited: list[str],
                             entries: Mapping[str, BibEntry], problems: Problems) -> None:
    """A located problem for each cited key without a bibliography entry."""
    broken = unreadable_entries(manuscript.bibliography) if manuscript.bibliography else {}
    missing = [key for key in cited if key not in entries]
    for key in missing[:LISTED_MISSING]:
        if key in broken:
            path, line = broken[key]
            problems.add(manuscript.path, citation_line(manuscript, key),
                         f"citation '@{key}': its entry could not be read (see "
                         f"{display_path(path)}:{line})", code="missing-citation")
            continue
        cut = cut_key_hint(key, entries)
        # not found as a whole key: pandoc ended the key early (``@j---ones``), where it is
        problems.add(manuscript.path, citation_line(manuscript, key)
                     or citation_line(manuscript, key, loose=True),
                     f"citation '@{key}' has no entry in the bibliography"
                     + (cross_reference_hint(key) or identifier_hint(key)
                        or punctuation_hint(key, entries)
                        or cut or did_you_mean(key, entries) or
                        ("" if manuscript.bibliography else
                         "; the front matter names no 'bibliography'")),
                     code="missing-citation")
    if len(missing) > LISTED_MISSING:  # each hint looks through every entry: counted instead
        rest = missing[LISTED_MISSING:]
        problems.add(manuscript.path, citation_line(manuscript, rest[0]),
                     f"{len(rest):,} more citations have no entry in the bibliography, from "
                     f"'@{rest[0]}' on (not listed)", code="missing-citation")


def punctuation_hint(key: str, entries: Mapping[str, BibEntry]) -> str:
    """For ``@a.b.`` when the entry is ``a.b.``: pandoc reads a key's last punctuation as
    the sentence's, so such a key is written in braces."""
    whole = [k for k in entries if k.startswith(key) and k != key
             and all(not c.isalnum() and c != "_" for c in k[len(key):])]
    if len(whole) != 1:
        return ""
    return (f"; the entry '{whole[0]}' ends in punctuation, which pandoc reads as the "
            f"sentence's: write it in braces, @{{{whole[0]}}}")


def cut_key_hint(key: str, entries: Mapping[str, BibEntry]) -> str:
    """For a key pandoc ended early (``@2019ApJ...882...12S``, a NASA ADS bibcode, reads as
    ``@2019ApJ``): the braces that keep it whole, else an empty string."""
    whole = sorted(k for k in entries if k.startswith(key) and len(k) > len(key)
                   and not (k[len(key)].isalnum() or k[len(key)] == "_"))
    if not whole:
        return ""
    return (f"; a key with punctuation such as '{whole[0][len(key):][:3]}' is written in "
            f"braces: @{{{whole[0]}}}")


# The cross-reference prefixes of Quarto (@fig-x) and pandoc-crossref (@fig:x), and how a
# link to the same target reads.
CROSS_REFERENCES = {"fig": "Figure 1", "tbl": "Table 1", "sec": "Section 2", "eq": "",
                    "lst": "Listing 1", "thm": "Theorem 1", "lem": "Lemma 1"}
XREF_FILTERS = {"-": "Quarto's", ":": "pandoc-crossref's"}
# the cross-references that are read (see crossrefs.py): what names the target
TARGETS = {"fig": ("figure", "its image", "![Caption](file.png){{#{key}}}"),
           "tbl": ("table", "its caption", ": Caption {{#{key}}}"),
           "sec": ("heading", "its title", "## Title {{#{key}}}"),
           "eq": ("formula", "its closing $$", "$$ x = 1 $$ {{#{key}}}")}


# Manubot's citations by identifier, which it looks up on the network as it builds.
IDENTIFIERS = {"doi": "a DOI", "pmid": "a PubMed ID", "pmcid": "a PubMed Central ID",
               "arxiv": "an arXiv ID", "isbn": "an ISBN", "wikidata": "a Wikidata ID",
               "url": "a URL"}


def identifier_hint(key: str) -> str:
    """For Manubot's ``@doi:10.x/y``, ``@pmid:123``, ``@url:...`` and ``@tag:x``."""
    prefix, mark, _rest = key.partition(":")
    if not mark:
        return ""
    if prefix == "tag":
        return ("; Manubot's '@tag:' citations (named in citation-tags.tsv) are not "
                "read: cite the entry's own key")
    if prefix.lower() not in IDENTIFIERS:
        return ""
    return (f": a handout does not look {IDENTIFIERS[prefix.lower()]} up on the network as "
            f"Manubot does; give the bibliography an entry whose key is '{key}' (or cite the "
            "entry's own key)")


def cross_reference_hint(key: str) -> str:
    """For ``@fig-x``, ``@fig:x`` and their kin that name no target (see crossrefs.py):
    what to write; a formula's is not supported."""
    match = re.match(r"([a-z]+)([-:])", key)
    if match is None or match.group(1) not in CROSS_REFERENCES:
        return ""
    prefix, mark = match.groups()
    if prefix in TARGETS:
        what, where, example = TARGETS[prefix]
        return (f": no {what} of the handout has the id '{key}' (write {{#{key}}} after "
                f"{where}: {example.format(key=key)})")
    unsupported = (f": '@{prefix}{mark}' cross-references ({XREF_FILTERS[mark]}) are not "
                   "supported; ")
    return (unsupported + f"link to it instead, as [{CROSS_REFERENCES[prefix]}](#{key}), with "
            f"{{#{key}}} on its target")
