"""TeX in BibTeX field values, made ready for pandoc's reader and read back.

pandoc reads TeX in a field as a LaTeX document would, with a few misreadings
rewritten first (math super/subscripts, ``\\mbox``, the old ``{\\sc ...}``
switch, biblatex's own ``\\mkbib...``/``\\add...`` macros, TeX's control space);
a braced group that keeps a word's case is marked so that the mark survives
pandoc's CSL-JSON and comes back as CSL's ``<span class="nocase">``; URLs,
DOIs and eprints are taken as written, without the escapes exporters add.
"""

from __future__ import annotations

import re
import unicodedata

from .bibtexlost import keep_text

_BRACES = re.compile(r"[{}]")
_GROUP = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
_SCRIPT_MATH = re.compile(r"(?:\$|\\\()\s*(?:\{\})?\s*([\^_])\s*(" + _GROUP
                          + r"|\\?[A-Za-z0-9+\-])\s*(?:\$|\\\))")
# Inline math: $...$ (not \$) and \(...\); pandoc would hand its TeX through as text.
_MATH_TEX = re.compile(r"(?<!\\)\$(?:[^$\\]|\\.)+?(?<!\\)\$|\\\((?:.+?)\\\)", re.DOTALL)
_ENSUREMATH = re.compile(r"\\ensuremath\s*(" + _GROUP + ")")
_TEX_SPECIAL = re.compile(r"[\\{}%&#$_^~]")
_CONTROL_SPACE = re.compile(r"(?<!\\)\\ ")
# biblatex's own macros in field values that pandoc's reader drops with their text.
_BIBLATEX_MACROS = {
    "mkbibacro": "", "NoCaseChange": "", "nocasechange": "",  # the group stays: {NASA}
    "mkbibsuperscript": "\\textsuperscript", "mkbibsubscript": "\\textsubscript",
    "textquote": "\\enquote", "addcomma": ",", "adddot": ".", "addperiod": ".",
    "addcolon": ":", "addsemicolon": ";", "addspace": " ", "addnbspace": "~",
    "addabbrvspace": " ", "addthinspace": "\u2009",
}
_BIBLATEX_MACRO = re.compile(r"\\(" + "|".join(_BIBLATEX_MACROS) + r")(?![A-Za-z])"
                             r"(?:\{\}|[ \t]*(?=\{))?")
# TeX's old small-caps switch: {\sc SPF} (pandoc reads \textsc, but drops the switch's effect)
_SC_SWITCH = re.compile(r"\{\\(?:sc|scshape)(?![A-Za-z])\s*((?:[^{}]|" + _GROUP + r")*)\}")
_DASHES = re.compile(r"\\text(en|em)dash\b(?:\{\})?")
_MBOX = re.compile(r"\\(?:mbox|hbox|text|textnormal|textup)\s*(?=\{)")


def note_url(value: str) -> str | None:
    """The URL a ``note`` holds when it is only that (``Available at: \\url{...}``), else None."""
    found = URL_MACRO.search(value)
    rest = plain_text(URL_MACRO.sub("", value)).strip(" .,;:") if found else "x"
    return found.group(1) if found and (not rest or URL_LEAD.fullmatch(rest)) else None


def plain_text(value: str) -> str:
    """A raw field value without TeX braces and extra spaces (for keys and options)."""
    return " ".join(_BRACES.sub("", value).split())


def prepare_tex(value: str) -> str:
    """Rewrite the TeX pandoc's reader misreads: math super/subscripts, ``\\mbox``."""
    if "\\ensuremath" in value:  # ADS titles: \ensuremath{\Lambda} is math
        value = _ENSUREMATH.sub(lambda m: "$" + m.group(1)[1:-1] + "$", value)
    if "$" in value or "\\(" in value:
        value = _SCRIPT_MATH.sub(
            lambda m: ("\\textsuperscript" if m.group(1) == "^" else "\\textsubscript")
            + (m.group(2) if m.group(2).startswith("{") else "{" + m.group(2) + "}"), value)
    if "$" in value or "\\(" in value:
        value = _MATH_TEX.sub(lambda m: _math_tex(m.group(0)), value)
    if "box" in value or "\\text" in value:
        value = _MBOX.sub("", value)
    if "\\sc" in value:
        value = _SC_SWITCH.sub(r"\\textsc{\1}", value)
    if "\\ " in value:  # TeX's control space is an ordinary space (pandoc: no-break)
        value = _CONTROL_SPACE.sub("{} ", value)
    if "\\textendash" in value or "\\textemdash" in value:
        value = _DASHES.sub(lambda m: "--" if m.group(1) == "en" else "---", value)
    if "\\" in value:
        value = keep_text(value)
    if "\\mkbib" in value or "\\add" in value or "\\NoCase" in value or "quote{" in value:
        value = _BIBLATEX_MACRO.sub(lambda m: _BIBLATEX_MACROS[m.group(1)], value)
    return value


# A super- or subscript inside math: x^2, H_{2}O, 10^{-3}, e^\alpha
_SCRIPT = re.compile(r"([\^_])\s*(" + _GROUP + r"|\\[A-Za-z]+|[^\s{}\\])")


def _math_tex(math: str) -> str:
    """Inline math as text for pandoc, kept from case changes as TeX keeps it; its scripts as
    \\textsuperscript/\\textsubscript."""
    inner = math[1:-1] if math.startswith("$") else math[2:-2]
    out, last = [], 0
    for m in _SCRIPT.finditer(inner):
        out.append(_math_piece(inner[last:m.start()]))
        command = "\\textsuperscript" if m.group(1) == "^" else "\\textsubscript"
        argument = m.group(2)[1:-1] if m.group(2).startswith("{") else m.group(2)
        out.append(f"{command}{{{_math_piece(argument)}}}")
        last = m.end()
    out.append(_math_piece(inner[last:]))
    return "{" + "".join(out) + "}"


def _math_piece(tex: str) -> str:
    """Math without scripts as escaped text, its spaces kept at either end."""
    if not tex.strip():
        return tex
    lead = tex[:len(tex) - len(tex.lstrip())]
    trail = tex[len(tex.rstrip()):]
    return lead + _tex_escaped(_math_text(f"${tex.strip()}$")) + trail


# Fields styles change the case of; a group in braces keeps its case there ({iPhone}, {of}).
CASED_FIELDS = frozenset({"subtitle", "booksubtitle", "mainsubtitle", "journal", "series",
                          "journalsubtitle", "issuesubtitle"})
# pandoc's CSL-JSON drops the case protection of a braced group, so the group carries marks
# that come back as CSL's <span class="nocase">
NOCASE_OPEN, NOCASE_CLOSE = "\uf8f0", "\uf8f1"
_COMMAND_BEFORE = re.compile(r"\\(?:[A-Za-z]+\s*|[^A-Za-z\s])$")


def protected_groups(value: str) -> str:
    """Each word with a braced group that is no command's argument, marked as kept from case
    changes.

    ``{DNA} of {mRNA}`` and ``{T}he {iP}hone`` (the whole word) keep their marks through
    pandoc; ``\\emph{x}``, ``{\\"u}`` and ``{\\relax Ab}`` are left alone.
    """
    if "{" not in value:
        return value
    spans: list[tuple[int, int]] = []
    i, n, done = 0, len(value), 0
    opened: list[int] = []  # where each open group starts
    while i < n:
        ch = value[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            opened.append(i)
        elif ch == "}" and opened:
            start = opened.pop()
            whole = bool(opened) and opened[-1] == start - 1 and value[i + 1:i + 2] == "}"
            # also inside a command's argument (\emph{Homo {sapiens}}); a group that is all of
            # the one around it ({{Title}}, \textsuperscript{{th}}) is as that one is
            if not whole and _protecting(value, start):
                first = start
                while first > done and value[first - 1].isalnum():  # the rest of the word
                    first -= 1
                last = i + 1
                while last < n and (value[last].isalnum() or value[last] == "{"):
                    close = _group_end(value, last) if value[last] == "{" else last
                    if close < 0:
                        break
                    last = close + 1
                spans = [s for s in spans if not first <= s[0] < last]  # inside this one
                spans.append((first, last))
                i = done = last
                continue
        i += 1
    if opened:  # unbalanced: as written
        return value
    out, at = [], 0
    for first, last in spans:
        out += [value[at:first], NOCASE_OPEN, value[first:last], NOCASE_CLOSE]
        at = last
    return "".join(out) + value[at:]


def _protecting(value: str, start: int) -> bool:
    """Whether the group at ``start`` protects case: no command's argument, no accent group."""
    return not _COMMAND_BEFORE.search(value[max(0, start - 40):start]) \
        and value[start + 1:start + 2] != "\\" and (start == 0 or value[start - 1] != "}")


def _group_end(value: str, start: int) -> int:
    """The index of the brace closing the group at ``start``; -1 if none or an accent group."""
    if value[start + 1:start + 2] == "\\":
        return -1
    depth = 0
    for i in range(start, len(value)):
        if value[i] == "{" and value[i - 1:i] != "\\":
            depth += 1
        elif value[i] == "}" and value[i - 1:i] != "\\":
            depth -= 1
            if depth == 0:
                return i
    return -1


def nocase_spans(text: str) -> str:
    return text.replace(NOCASE_OPEN, '<span class="nocase">').replace(NOCASE_CLOSE, "</span>")


def _tex_escaped(text: str) -> str:
    return _TEX_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


# what is left of a note once its \url is the entry's URL: words that only led to it
URL_LEAD = re.compile(r"(?:(?:available|online|url|retrieved|accessible|see|at|from|on|"
                       r"the|internet|web)[\s:.,]*)+", re.IGNORECASE)
URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
_TEX_ESCAPE = re.compile(r"\\([_%&#$~])(?:\{\})?")


def verbatim(name: str, value: str) -> str:
    """A URL, DOI or eprint as written, without the TeX escapes exporters add.

    ``10.1000/abc\\_def`` is ``10.1000/abc_def``, ``{\\&}`` is ``&``; of the
    several URLs Mendeley (space-separated) or EndNote (a line each) writes into
    one ``url``, the first that is not a file on the editor's computer
    (:func:`local_url`), else nothing.
    """
    if "\\" in value or "{" in value:
        value = _TEX_ESCAPE.sub(r"\1", value.replace("\\textasciitilde", "~"))
        value = _BRACES.sub("", URL_MACRO.sub(r"\1", value))
    if name == "url":
        value = next((url for url in value.split() if not local_url(url)), "")
    return value


# A place on the editor's own computer, not on the web: EndNote's internal-pdf://,
# file://, Papers' papers3://, zotero://, DEVONthink's, a drive or home folder path.
_LOCAL_URL = re.compile(r"(?:file|internal-pdf|papers\d?|zotero|x-devonthink-item|bdsk|"
                        r"evernote|onenote|mendeley|citavi|endnote)\s*:|[a-z]:[\\/]|[/\\~]",
                        re.IGNORECASE)


def local_url(url: str) -> bool:
    """Whether ``url`` names a file on the editor's computer (a handout must not show it)."""
    return bool(_LOCAL_URL.match(url.strip()))


def local_url_message(key: str, written: str, record: str = "entry") -> str:
    """The warning for a ``url`` naming only local files: their kind, never the path."""
    first = written.strip().strip("{}").split()[0] if written.strip("{} \n") else ""
    scheme = re.match(r"([a-z][\w+.-]+):", first, re.IGNORECASE)  # not a drive's 'C:'
    kind = f"{scheme.group(1).lower()}:" if scheme else "a path"
    return (f"{record} '{key}': url names a file on the editor's computer ({kind}), not a web "
            "address; it is left out so that no handout shows it")


_DOTLESS = re.compile("([\u0131\u0237])(?=[\u0300-\u036f])")


def compose(text: str) -> str:
    """``{\\'\\i}`` arrives as dotless i + accent; a reader expects one letter: í."""
    if "\u0131" in text or "\u0237" in text:
        text = _DOTLESS.sub(lambda m: "i" if m.group(1) == "\u0131" else "j", text)
    return unicodedata.normalize("NFC", text)


def _math_text(math: str) -> str:
    """Inline TeX math as the Unicode a reader expects: ``$\\geq 5$`` -> ``≥ 5``."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text").latex_to_text(math)
