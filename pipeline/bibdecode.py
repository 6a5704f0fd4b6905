"""The text of a .bib file whatever its encoding, and which encoding was assumed.

Reference managers do not all write UTF-8: older EndNote and JabRef exports
are Windows-1252 (Latin-1), some Windows tools write UTF-16 with a byte-order
mark.  The encoding is found in this order: a byte-order mark (UTF-8, UTF-16,
UTF-32); UTF-16 without one (every other byte NUL); UTF-8; JabRef's
``% Encoding: NAME`` header; else Windows-1252, whose five undefined
bytes are read as Latin-1 control characters so that every byte is read.
Anything but UTF-8 is said in a warning at the line of the first byte that
tells (see :func:`encoding_note`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(rb"\A(?:[ \t]*%[^\n]*\n){0,5}?[ \t]*%[ \t]*Encoding:[ \t]*([\w.:-]+)",
                       re.IGNORECASE)
# JabRef's names for what Python calls otherwise.
_JABREF_NAMES = {"iso8859_1": "latin-1", "iso8859_15": "iso8859-15", "cp1252": "cp1252",
                 "windows-1252": "cp1252", "utf8": "utf-8"}
_NAMES = {"utf-8": "UTF-8", "utf-16-le": "UTF-16 (little-endian)",
          "utf-16-be": "UTF-16 (big-endian)", "utf-32-le": "UTF-32 (little-endian)",
          "utf-32-be": "UTF-32 (big-endian)", "cp1252": "Windows-1252 (Latin-1)",
          "latin-1": "ISO-8859-1 (Latin-1)", "iso8859-15": "ISO-8859-15 (Latin-9)"}


@dataclass(frozen=True)
class Decoded:
    """A file's text (line ends as ``\\n``), the encoding read and how it was found."""

    text: str
    encoding: str  # a Python codec name
    how: str = "utf-8"  # "bom", "declared", "utf-8", "nul-pattern" or "fallback"
    offset: int = 0  # for "fallback", the first byte that is not UTF-8
    declared: str = ""  # for "declared", the name as the file writes it


def decode_bib(data: bytes) -> Decoded:
    """The text of ``data`` and the encoding it was read with."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
            return Decoded(_lines(text), encoding, "utf-8" if encoding == "utf-8" else "bom")
    sixteen = _utf16_without_bom(data)
    if sixteen:
        return Decoded(_lines(data.decode(sixteen, errors="replace")), sixteen, "nul-pattern")
    try:
        return Decoded(_lines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
    # Bytes that are valid UTF-8 are UTF-8 whatever a header says (JabRef keeps the
    # header of the file it was opened from); otherwise a header is believed.
    declared = _DECLARED.match(data)
    if declared:
        name = declared.group(1).decode("ascii")
        codec = _codec(name)
        if codec and codec != "utf-8":
            return Decoded(_lines(data.decode(codec, errors="replace")), codec, "declared",
                           declared=name)
    text = "".join(_cp1252(data))
    return Decoded(_lines(text), "cp1252", "fallback", offset)


def encoding_note(decoded: Decoded, data: bytes) -> tuple[int, str] | None:
    """(line, message) saying which encoding was assumed, or None for UTF-8."""
    if decoded.encoding == "utf-8":
        return None
    name = _NAMES.get(decoded.encoding, decoded.encoding)
    if decoded.how == "bom":
        return 1, f"the file is {name} (it starts with a byte-order mark); read as {name}"
    if decoded.how == "nul-pattern":
        return 1, f"the file is {name} without a byte-order mark; read as {name}"
    if decoded.how == "declared":
        return 1, f"the file declares '% Encoding: {decoded.declared}'; read as {name}"
    line = data[:decoded.offset].count(b"\n") + 1
    return line, (f"not valid UTF-8 (byte 0x{data[decoded.offset]:02x} at offset "
                  f"{decoded.offset}); the file is read as {name}: save it as UTF-8 "
                  "if any letter looks wrong")


def _codec(name: str) -> str | None:
    wanted = _JABREF_NAMES.get(name.lower(), name)
    try:
        name = codecs.lookup(wanted).name.replace("_", "-")
        return "latin-1" if name == "iso8859-1" else name
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 when every other byte of a text of mostly ASCII letters is NUL."""
    sample = data[:4096]
    if len(sample) < 4 or b"\0" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.9 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.9 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def _cp1252(data: bytes):
    """Windows-1252, its undefined bytes (0x81, 0x8d, 0x8f, 0x90, 0x9d) as Latin-1."""
    for chunk in re.split(rb"([\x81\x8d\x8f\x90\x9d])", data):
        if len(chunk) == 1 and chunk[0] in (0x81, 0x8D, 0x8F, 0x90, 0x9D):
            yield chunk.decode("latin-1")
        else:
            yield chunk.decode("cp1252")


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


WEB_PAGE = re.compile(r"\A\s*(?:<!DOCTYPE\s+html|<html)", re.IGNORECASE)
# Formats reference managers also export, by a line that marks them.
_FORMATS = (
    (re.compile(r"^\s*TY  - ", re.MULTILINE), "a RIS file (name it .ris)"),
    (re.compile(r"^\s*PMID- ", re.MULTILINE), "a PubMed (MEDLINE) file (name it .nbib)"),
    (re.compile(r"^\s*%0 ", re.MULTILINE), "an EndNote (Refer) export"),
    (re.compile(r"<records>|<record>", re.IGNORECASE), "an EndNote XML file"),
    (WEB_PAGE, "a web page (HTML) saved instead of the export"),
    (re.compile(r"<rdf:RDF"), "a Zotero RDF file"),
    (re.compile(r"\A\s*<"), "an XML file"),
    (re.compile(r"\A[^@\n]*,[^@\n]*,[^@\n]*\n[^@\n]*,"), "a CSV table"),
    (re.compile(r"\A\s*[\[{]\s*[\"{]"), "a CSL-JSON file (name it .json)"),
)


def no_entries_note(text: str) -> tuple[int, str]:
    """(line, message) for a .bib file in which no entry was found: empty, or another format."""
    if not text.strip():
        return 1, "no BibTeX entries found: the file is empty"
    for pattern, name in _FORMATS:
        m = pattern.search(text)
        if m:
            line = text.count("\n", 0, m.start() + len(m.group(0)) - len(m.group(0).lstrip())) + 1
            return line, (f"no BibTeX entries found; this looks like {name}: export BibTeX, "
                          "CSL-JSON or CSL-YAML")
    return 1, "no BibTeX entries found (an entry starts with '@article{key,' or another type)"


def wide_encoding(data: bytes) -> str | None:
    """'UTF-16 (little-endian), with a byte-order mark' & co. for UTF-16/32 bytes, else None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom) and encoding != "utf-8":
            return f"{_NAMES[encoding]}, with a byte-order mark"
    sixteen = _utf16_without_bom(data)
    return f"{_NAMES[sixteen]}, without a byte-order mark" if sixteen else None
