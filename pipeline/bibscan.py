"""Split a .bib file into entries and fields, as biber and BibTeX read it, with lines.

The grammar is BibTeX's: outside entries everything is a comment (free text,
``%`` lines, a commented-out ``%@article{...``); ``@comment``, ``@preamble``
and ``@string`` are read; an entry is ``@type{key, field = value, ...}`` or
the same with ``( )``; a value is ``{...}`` (any nesting), ``"..."``, a number
or an ``@string`` name, joined by ``#``.  Inside an entry a ``%`` outside a
value starts a comment to the end of the line, as biber reads it.  Types and
field names are case-insensitive; the month macros ``jan`` ... ``dec`` are
predefined.

A broken entry is skipped and reported at the line of the fault (an entry
not closed: where it starts, or at the field whose unclosed ``{`` took in the
fields after it), and scanning resumes at the next line that starts an
entry, so one bad entry costs only itself.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .bibrecords import Field, Finding, ScannedEntry

# Real entries, abstracts included, stay under a few KiB.
MAX_ENTRY = 64 * 1024
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")

_TOP = re.compile(r"[@%]")
_OPEN = re.compile(r"@[ \t]*([A-Za-z][\w-]*)[ \t\n]*([{(])?")
_NAME = re.compile(r"[^\s=,{}()\"#%]+")
_KEY = re.compile(r"[^\s,{}()\"#%=]+")
_FIELD_START = re.compile(r"[A-Za-z][\w-]*\s*=")
_BARE = re.compile(r"[^\s,{}()\"#%=]+")
_NEXT_ENTRY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z][\w-]*[ \t]*[{(]", re.MULTILINE)
_SPACE = re.compile(r"\s+")
_SPACED_NAME = re.compile(r"([^\s=,{}()\"#%]+(?:[ \t]+[^\s=,{}()\"#%]+)+)[ \t]*=")
_IN_BRACES = re.compile(r"\\[{}]|[{}\n]")  # an escaped brace is text, as pandoc reads it
_IN_QUOTES = re.compile(r"\\.|[{}\"\n]", re.DOTALL)
# A value that holds what reads as the next fields: 'title = {A {B},\n  year = {2020}'.
_SWALLOWED = re.compile(r",[ \t]*\n[ \t]*[A-Za-z][\w-]*[ \t]*=[ \t]*[{\"\d]")


class _Broken(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _Unclosed(Exception):
    """The entry meets the start of the next one before its closing delimiter."""


class _Reader:
    """A cursor over the text of one file, with line numbers."""

    def __init__(self, text: str):
        self.text = text
        self.n = len(text)
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, pos: int) -> int:
        from bisect import bisect_left

        return bisect_left(self._newlines, pos) + 1

    def skip(self, i: int, comments: bool = True) -> int:
        """Past white space and, inside an entry, ``%`` comments."""
        text, n = self.text, self.n
        while i < n:
            ch = text[i]
            if ch.isspace():
                i += 1
            elif ch == "%" and comments:
                end = text.find("\n", i)
                i = n if end < 0 else end + 1
            else:
                break
        return i

    def entry_starts_here(self, i: int) -> bool:
        """Whether ``i`` is at a line that opens a new entry (a sign of a missing close)."""
        return self.text[i] == "\n" and _NEXT_ENTRY.match(self.text, i + 1) is not None


class Scanner:
    """Reads one file; ``entries``, ``strings`` and ``findings`` hold the result."""

    def __init__(self, text: str, max_entry: int = MAX_ENTRY):
        self.r = _Reader(text)
        self.max_entry = max_entry
        self.strings: dict[str, str] = {m: MONTH_NAMES[i] for i, m in enumerate(MONTHS)}
        self.defined: dict[str, int] = {}  # @string names defined in the file, lower-case
        self.too_large: set[str] = set()
        self.entries: list[ScannedEntry] = []
        self.findings: list[Finding] = []
        self._scan()

    # ------------------------------------------------------------ top level

    def _scan(self) -> None:
        text, r = self.r.text, self.r
        pos = 0
        while True:
            m = _TOP.search(text, pos)
            if not m:
                return
            if m.group(0) == "%":  # a comment line outside entries: '%@article{...' too
                end = text.find("\n", m.start())
                pos = r.n if end < 0 else end + 1
                continue
            opened = _OPEN.match(text, m.start())
            if not opened or not opened.group(2):
                pos = m.start() + 1  # an '@' in free text (an e-mail address)
                continue
            kind = opened.group(1).lower()
            pos = self._block(kind, m.start(), opened.end(), opened.group(2))

    def _before(self, start: int) -> str:
        """Where a group opened before ``start`` should have been closed."""
        return "before the next entry" if _NEXT_ENTRY.search(self.r.text, start) \
            else "before the end of the file"

    def _resume(self, start: int) -> int:
        nxt = _NEXT_ENTRY.search(self.r.text, start)
        return nxt.start() if nxt else self.r.n

    def _block(self, kind: str, start: int, body: int, opener: str) -> int:
        close = "}" if opener == "{" else ")"
        line = self.r.line(start)
        if kind == "comment":
            end = self._group_end(body, close)
            return end if end > 0 else self._resume(body)
        if kind == "preamble":
            end = self._group_end(body, close)
            if end < 0:
                self.findings.append(Finding(line, f"@preamble is not closed: its '{opener}' "
                                             f"has no matching '{close}'", dropped=False))
                return self._resume(body)
            return end
        if kind == "string":
            return self._string(start, body, close, line)
        return self._entry(kind, start, body, opener, close, line)

    def _group_end(self, i: int, close: str) -> int:
        """Index past the ``close`` that ends a group whose opener is before ``i``; -1 if none."""
        text, n = self.r.text, self.r.n
        depth = 0
        while i < n:
            ch = text[i]
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0:
                    return i + 1 if close == "}" else -1
                depth -= 1
            elif ch == ")" and close == ")" and depth == 0:
                return i + 1
            i += 1
        return -1

    # ------------------------------------------------------------ @string

    def _string(self, start: int, body: int, close: str, line: int) -> int:
        text, r = self.r.text, self.r
        i = body
        try:
            while True:
                i = r.skip(i)
                if i < r.n and text[i] == close:
                    return i + 1
                name_m = _NAME.match(text, i)
                if not name_m:
                    raise _Broken(r.line(i), "@string: expected 'name = value'")
                i = r.skip(name_m.end())
                if i >= r.n or text[i] != "=":
                    raise _Broken(r.line(i), "@string: expected 'name = value'")
                value, i, size, used = self._value(r.skip(i + 1), close)
                name = name_m.group(0).lower()
                if used & self.too_large:
                    self.too_large.add(name)
                elif size > self.max_entry:
                    self.too_large.add(name)
                    self.findings.append(Finding(
                        line, f"@string '{name_m.group(0)}' expands to {size // 1024:,} KiB, "
                        f"more than the {self.max_entry // 1024} KiB an entry may have"))
                else:
                    self.strings[name] = value
                    self.defined[name] = line
                i = r.skip(i)
                if i < r.n and text[i] == ",":
                    i += 1
        except _Unclosed:
            self.findings.append(Finding(line, f"@string is not closed: its '{text[body - 1]}' "
                                         f"has no matching '{close}' {self._before(body)}"))
            return self._resume(body)
        except _Broken as exc:
            self.findings.append(Finding(exc.line, exc.message))
            return self._resume(body)

    # ------------------------------------------------------------ values

    def _value(self, i: int, close: str) -> tuple[str, int, int, set[str]]:
        """A value and its ``#`` parts from ``i``: (expanded text, end, size, @strings used)."""
        text, r = self.r.text, self.r
        parts: list[str] = []
        used: set[str] = set()
        size = 0
        while True:
            if i >= r.n:
                raise _Unclosed()
            ch = text[i]
            if ch == "{":
                end = self._delimited_end(i + 1, quoted=False)
                parts.append(text[i + 1:end - 1])
                size += end - i - 2
                i = end
            elif ch == '"':
                end = self._delimited_end(i + 1, quoted=True)
                parts.append(text[i + 1:end - 1])
                size += end - i - 2
                i = end
            else:
                m = _BARE.match(text, i)
                if not m:
                    raise _Broken(r.line(i), f"expected a value, found '{_snippet(text, i)}'")
                word = m.group(0)
                i = m.end()
                if word.isdigit():
                    parts.append(word)
                    size += len(word)
                else:
                    name = word.lower()
                    used.add(name)
                    if name in self.too_large:
                        parts.append("")
                    elif name in self.strings:
                        parts.append(self.strings[name])
                        size += len(self.strings[name])
                    else:
                        # BibTeX warns and reads an undefined @string as empty; biblatex
                        # and pandoc keep the name.  The name is what a reader can use.
                        parts.append(word)
                        size += len(word)
                        self.findings.append(Finding(
                            r.line(m.start()), f"@string '{word}' is not defined; its name is "
                            "used as the text", dropped=False, code="bibtex-string"))
            j = r.skip(i)
            if j < r.n and text[j] == "#":
                i = r.skip(j + 1)
                continue
            return "".join(parts), i, size, used

    def _delimited_end(self, i: int, quoted: bool) -> int:
        """Index past the ``}`` (or, when ``quoted``, the ``"`` outside braces) ending a value.

        The opening delimiter is just before ``i``; an escaped brace is text, and a
        line that opens the next entry means this value was never closed.
        """
        text = self.r.text
        depth = 0 if quoted else 1
        for m in (_IN_QUOTES if quoted else _IN_BRACES).finditer(text, i):
            ch = m.group(0)
            if ch[0] == "\\":
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0 and not quoted:
                    return m.end()
            elif ch == '"':
                if depth <= 0:
                    return m.end()
            elif self.r.entry_starts_here(m.start()):
                raise _Unclosed()
        raise _Unclosed()

    # ------------------------------------------------------------ entries

    def _entry(self, kind: str, start: int, body: int, opener: str, close: str,
               line: int) -> int:
        mark = len(self.findings)
        end = self._entry_body(kind, start, body, opener, close, line)
        if len(self.findings) > mark:  # an undefined @string in a value: this entry's problem
            key_m = _KEY.match(self.r.text, self.r.skip(body))
            if key_m:
                self.findings[mark:] = [f if f.key else replace(f, key=key_m.group(0))
                                        for f in self.findings[mark:]]
        return end

    def _entry_body(self, kind: str, start: int, body: int, opener: str, close: str,
                    line: int) -> int:
        text, r = self.r.text, self.r
        i = r.skip(body)
        key_m = _KEY.match(text, i)
        after = r.skip(key_m.end()) if key_m else i
        if not key_m or (after < r.n and text[after] not in "," + close):
            end = self._group_end(body, close)
            if key_m and _FIELD_START.match(text, after):  # @article{smith2019 author = ...
                message = (f"entry @{kind}{{{key_m.group(0)}: a comma is missing after the "
                           f"key: write @{kind}{{{key_m.group(0)}, ...}}")
            else:
                message = f"entry @{kind} has no citation key: write @{kind}{{key, ...}}"
            self.findings.append(Finding(line, message, key_m.group(0) if key_m and
                                         _FIELD_START.match(text, after) else None))
            return end if end > 0 and not _NEXT_ENTRY.search(text, body, end) \
                else self._resume(body)
        key = key_m.group(0)
        fields: list[Field] = []
        field_name = ""
        value_end = after
        try:
            i = after
            while True:
                if i >= r.n:
                    raise _Unclosed()
                if text[i] == close:
                    end = i + 1
                    break
                if text[i] == "@" and _NEXT_ENTRY.match(text, text.rfind("\n", 0, i) + 1):
                    raise _Unclosed()
                if text[i] != ",":
                    raise _Broken(r.line(value_end), f"missing ',' after field '{field_name}'"
                                  if field_name else f"expected ',' after the key, found "
                                  f"'{_snippet(text, i)}'")
                i = r.skip(i + 1)
                if i < r.n and text[i] == close:
                    end = i + 1
                    break
                if i < r.n and text[i] == "@" and _NEXT_ENTRY.match(text, text.rfind(
                        "\n", 0, i) + 1):
                    raise _Unclosed()
                name_m = _NAME.match(text, i)
                if not name_m:
                    if i >= r.n:
                        raise _Unclosed()
                    raise _Broken(r.line(i), "expected 'field = value', found "
                                  f"'{_snippet(text, i)}'")
                j = r.skip(name_m.end())
                spaced = None if j < r.n and text[j] == "=" else _SPACED_NAME.match(text, i)
                if spaced:  # Scopus writes 'funding_text 1 = {...}'
                    j = spaced.end() - 1
                elif j >= r.n or text[j] != "=":
                    raise _Broken(r.line(i), "expected 'field = value', found "
                                  f"'{_snippet(text, i)}'")
                field_name = name_m.group(0).lower()
                value_start = r.skip(j + 1)
                try:
                    value, i, size, used = self._value(value_start, close)
                except _Unclosed:
                    raise _Broken(r.line(i), f"the value of field '{field_name}' is not "
                                  "closed") from None
                if used & self.too_large:
                    raise _Broken(line, f"field '{field_name}' uses @string "
                                  f"'{min(used & self.too_large)}', which is too large")
                if used and size > self.max_entry:
                    raise _Broken(line, f"field '{field_name}' expands to {size // 1024:,} KiB "
                                  f"through @string, more than the {self.max_entry // 1024} KiB "
                                  "an entry may have")
                if spaced:
                    written = " ".join(spaced.group(1).split())
                    self.findings.append(Finding(r.line(name_m.start()), (
                        f"entry '{key}': field name '{written}' has a space, which BibTeX does "
                        "not allow (biber and pandoc stop reading there); the field is left "
                        "out"), key, dropped=False, code="bibtex-field"))
                else:
                    fields.append(Field(field_name, value, r.line(name_m.start()),
                                        text[value_start:i].strip()))
                value_end = i
                i = r.skip(i)
        except _Unclosed:
            swallowed = next((f for f in fields if _SWALLOWED.search(f.raw)), None)
            if swallowed:  # a '{' not closed in a value took in the fields after it
                last = swallowed.line + swallowed.raw.count("\n")
                self.findings.append(Finding(swallowed.line, (
                    f"entry '{key}' (line {line}) is not closed: the value of field "
                    f"'{swallowed.name}' has a '{{' that is not closed, so it runs on to line "
                    f"{last}"), key))
                return self._resume(body)
            self.findings.append(Finding(line, f"entry '{key}' is not closed: its '{opener}' "
                                         f"has no matching '{close}' {self._before(body)}",
                                         key))
            return self._resume(body)
        except _Broken as exc:  # at the line where it is broken, not where its entry starts
            self.findings.append(Finding(exc.line, f"entry '{key}': {exc.message}", key))
            return self._resume(body)
        raw = text[start:end]
        if len(raw) > self.max_entry:
            self.findings.append(Finding(line, f"entry '{key}' is {len(raw) // 1024} KiB, more "
                                         f"than the {self.max_entry // 1024} KiB an entry may "
                                         "have", key))
            return end
        self.entries.append(ScannedEntry(kind, key, line, raw, self._merge(key, line, fields)))
        return end

    def _merge(self, key: str, line: int, fields: list[Field]) -> tuple[Field, ...]:
        """Fields given twice: the first value is kept (as BibTeX and biber do), keywords joined."""
        kept: dict[str, Field] = {}
        for f in fields:
            first = kept.get(f.name)
            if first is None:
                kept[f.name] = f
            elif f.name == "keywords":
                kept[f.name] = Field(f.name, f"{first.value}, {f.value}", first.line,
                                     f"{first.raw} # {{, }} # {f.raw}")
                self.findings.append(Finding(f.line, f"entry '{key}': field 'keywords' is given "
                                             f"again (first at line {first.line}); both lists "
                                             "are kept", key, dropped=False,
                                             code="bibtex-field"))
            else:
                self.findings.append(Finding(f.line, f"entry '{key}': field '{f.name}' is given "
                                             f"again (first at line {first.line}); the first "
                                             "value is kept", key, dropped=False,
                                             code="bibtex-field"))
        return tuple(kept.values())


def _snippet(text: str, i: int) -> str:
    """The text at ``i`` up to its line's end or a value's start: no field value is echoed."""
    line = text[i:text.find("\n", i) if "\n" in text[i:] else len(text)]
    line = re.split(r'[{"]', line, maxsplit=1)[0] if not line.startswith(("{", '"')) else line[:1]
    return _SPACE.sub(" ", line).strip()[:30]
