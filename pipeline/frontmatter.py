"""A manuscript file's text and its YAML front matter, read safely and with lines.

The YAML is read node by node so that each field keeps its line, a value YAML
cannot convert stays text for its field's own check, and aliases (which can
nest a value into billions of copies) are refused before anything is built.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import stat
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .bibdecode import wide_encoding
from .controls import control_character_problems, has_forbidden
from .errors import PipelineError, Problems, yaml_problem

try:  # the C loader is several times faster on large front matter
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FRONT_MATTER = 256 * 1024
# A shared bibliography of 20,000 entries with abstracts is 20 MiB and takes some 250 MB to
# read; a file several times that size would take gigabytes.
MAX_SOURCE_FILE = 64 * 2**20

def read_source_bytes(path: Path) -> bytes:
    """A source file's bytes; a missing or unreadable file is a located error.

    A named pipe or a device (a link to /dev/zero) is refused before it is opened: reading
    one would wait for a writer or never end; so is a file larger than
    :data:`MAX_SOURCE_FILE`, which would take gigabytes of memory to read.
    """
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                    else "a device")
            link = f"a link to {os.readlink(path)}, " if path.is_symlink() else ""
            raise PipelineError.at(path, None, f"is {link}{kind}, not a file: nothing is read "
                                   "from it", "unreadable")
        size = path.stat().st_size
        if size > MAX_SOURCE_FILE:
            raise PipelineError.at(path, None, f"is {size / 2**20:,.0f} MiB, more than the "
                                   f"{MAX_SOURCE_FILE // 2**20} MiB a source file may have: "
                                   "nothing is read from it; export only the references the "
                                   "handouts cite, or split the file", "too-large")
        return path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise PipelineError.at(path, None, f"is a link to {os.readlink(path)}, which does "
                                   "not exist", "missing-file") from None
        raise PipelineError.at(path, None, "file not found", "missing-file") from None
    except IsADirectoryError:
        raise PipelineError.at(path, None, "is a folder, not a file", "missing-file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PipelineError.at(path, None, f"is a link to {os.readlink(path)}, which leads "
                                   "back to itself (a loop of links)", "missing-file") from None
        raise PipelineError.at(path, None, f"cannot read: {exc.strerror}", "unreadable") from None


# Files that are often saved under a text file's name, by their first bytes.
CONVERT = "convert it to Markdown first (pandoc -t markdown -o NAME.md THE-FILE)"
BINARY_KINDS = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "put an image in the text as ![its alt text](file.png)"),
    (b"\xff\xd8\xff", "a JPEG image", "put an image in the text as ![its alt text](file.jpg)"),
    (b"GIF8", "a GIF image", "put an image in the text as ![its alt text](file.gif)"),
    (b"%PDF-", "a PDF document", ("copy its text into a Markdown file, or convert the document "
     "it was made from")),
    (b"PK\x03\x04", "a ZIP archive (a Word .docx, an OpenDocument .odt or an EPUB is one)",
     CONVERT),
    (b"\xd0\xcf\x11\xe0", "an old Word document (.doc)", "save it as .docx, then " + CONVERT),
    (b"{\\rtf", "a Rich Text document (RTF)", CONVERT),
)

# A terminal's colour and cursor codes (ESC [ ... m), as a notebook's output keeps them.
TERMINAL_CODE = re.compile(r"\x1b\[[0-9;:?]*[ -/]*[@-~]")


def read_text(path: Path, terminal_codes: list[int] | None = None) -> str:
    """A source file as text; undecodable bytes are a located error.

    A terminal's colour codes (``ESC[0;31m``, copied from a notebook's output)
    are taken out; the line of each is added to ``terminal_codes``.  Any other
    control character is an error at its line and column.
    """
    data = read_source_bytes(path)
    kind = next(((name, hint) for magic, name, hint in BINARY_KINDS if data.startswith(magic)),
                None)
    if kind is not None:
        raise PipelineError.at(path, 1, f"the file is {kind[0]}, not plain text: {kind[1]}",
                               "encoding")
    wide = wide_encoding(data) if data[:4].count(0) or data[:2] in (b"\xff\xfe", b"\xfe\xff") \
        else None
    if wide:  # Windows editors save "Unicode" as UTF-16
        raise PipelineError.at(path, 1, f"the file is {wide}, not UTF-8: save it as UTF-8",
                               "encoding")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PipelineError.at(
            path, line,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            "encoding",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise PipelineError.at(path, line, "contains a NUL byte: not a text file", "encoding")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b[" in text:
        if terminal_codes is not None:
            terminal_codes.extend(text[: m.start()].count("\n") + 1
                                  for m in TERMINAL_CODE.finditer(text))
        text = TERMINAL_CODE.sub("", text)
    if has_forbidden(text):
        raise PipelineError(control_character_problems(path, text))
    return text


# MultiMarkdown's metadata (Scrivener, nvALT, MultiMarkdown Composer): 'Key: value' lines from line 1
MMD_KEY = re.compile(r"^[A-Za-z][\w-]*(?: [\w-]+){0,3}:(?:[ \t]|$)")


def _metadata_lines(lines: list[str]) -> int:
    """How many lines MultiMarkdown's metadata block at the top has (0: none)."""
    if not MMD_KEY.match(lines[0]):
        return 0
    block = len(list(itertools.takewhile(str.strip, lines)))
    keys = all(MMD_KEY.match(line) or line.startswith((" ", "\t")) for line in lines[1:block])
    return block if keys else 0


def _other_metadata(path: Path, block: int, kind: str, fields: str) -> NoReturn:
    """Metadata of another kind in lines 1 to ``block``: an error saying to write it as YAML."""
    end = f" to {block}" if block > 1 else ""
    raise PipelineError.at(
        path, 1,
        f"{kind} is not read: write lines 1{end} as YAML front matter, between lines "
        f"'---'{fields} title, version, status and last_updated (authors as "
        "'authors: [{name: ...}]')",
        "front-matter",
    )


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """(yaml text, body, line number of the body's first line)."""
    lines = text.split("\n")
    if lines[0].strip() == "+++":  # the TOML front matter of Hugo and Zola
        closing = next((i for i in range(1, len(lines)) if lines[i].strip() == lines[0].strip()),
                       None)
        end = f" and line {closing + 1}" if closing else ""
        raise PipelineError.at(
            path, 1,
            f"front matter in TOML ('{lines[0].strip()}', as Hugo writes it) is not read: write "
            f"it as YAML, between lines '---' instead of line 1{end} ('title: \"...\"' for "
            "'title = \"...\"')",
            "front-matter",
        )
    if lines[0].startswith("%"):  # pandoc's title block: % title, % authors, % date
        block = len(list(itertools.takewhile(lambda line: line.startswith(("%", " ")), lines)))
        _other_metadata(path, block, "a pandoc title block ('% title' lines)", ":")
    block = _metadata_lines(lines)
    if block:
        _other_metadata(path, block, "a MultiMarkdown metadata block ('Title: ...' lines)",
                        ", with its fields in lower case:")
    if not lines or lines[0].strip() != "---":
        raise PipelineError.at(
            path, 1,
            "no YAML front matter: the file must start with a line '---', then "
            "title, version, status and last_updated, then a closing '---'",
            "front-matter",
        )
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:i])
            if len(front) > MAX_FRONT_MATTER:
                raise PipelineError.at(path, 2, "front matter larger than 256 KiB: move long "
                                       "text from its fields into the body",
                                       "front-matter")
            return front, "\n".join(lines[i + 1:]), i + 2
    raise PipelineError.at(
        path, 1, "front matter is not closed: add a line '---' after its last field",
        "front-matter",
    )


# Lists or mappings inside each other that a field may hold: building the value recurses
# once a level, and Python's stack ends near 1,000 (libyaml's own limit).
MAX_NESTING = 100


def _too_deep(root: yaml.Node) -> yaml.Node | None:
    """The first node nested more than :data:`MAX_NESTING` levels deep, if any."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return node
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
    return None


def _reused_node(root: yaml.Node) -> yaml.Node | None:
    """The first node an alias points to again, if any.

    Aliases can nest a value into billions of copies ("billion laughs"); no
    field needs them, so they are refused before anything is constructed.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return node
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return None


def _construct(node: yaml.Node, loader: Any) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, TypeError):
        # A scalar YAML cannot convert (2025-13-01 looks like a date but is
        # none) stays text, so the field's own check reports it at its line.
        loader.recursive_objects.clear()
        return _construct_leniently(node, loader)


def _construct_leniently(node: yaml.Node, loader: Any) -> Any:
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, loader) for child in node.value]
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, loader)
            try:
                hash(key)
            except TypeError:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key)
            mapping[key] = _construct(value_node, loader)
        return mapping
    return node.value


HTML_COMMENT = re.compile(r"\s*<!--.*?(?:-->|$)", re.DOTALL)


def without_comments(value: Any) -> Any:
    """``value`` with HTML comments (``<!-- ask Dr X -->``) left out of its texts.

    pandoc reads a front-matter text as Markdown, where a comment is never
    shown; a handout shows none either, nor puts one in any file's metadata.
    """
    if isinstance(value, str):
        return HTML_COMMENT.sub("", value) if "<!--" in value else value
    if isinstance(value, list):
        return [without_comments(item) for item in value]
    if isinstance(value, dict):
        return {key: without_comments(item) for key, item in value.items()}
    return value


def _tab_at(text: str, line: int, column: int) -> bool:
    """Whether the YAML error at ``line``, ``column`` of ``text`` is at a tab."""
    lines = text.split("\n")
    return line < len(lines) and lines[line][column:column + 1] == "\t"


SEPARATORS = {"\u2028": "line separator U+2028", "\u2029": "paragraph separator U+2029"}


def _separators_as_spaces(path: Path, front: str, problems: Problems | None) -> str:
    """``front`` with Unicode's line and paragraph separators read as spaces, a warning at
    each: YAML takes them for line ends, which would cut a value in two and put every
    later field's line off by one (a word processor pastes them into a title)."""
    if "\u2028" not in front and "\u2029" not in front:
        return front
    for number, line in enumerate(front.split("\n"), start=2):
        for column, char in enumerate(line, start=1):
            if char in SEPARATORS and problems is not None:
                problems.warn(path, number, f"{SEPARATORS[char]} at column {column} is read as "
                              "a space (YAML would end the line there): remove it",
                              code="control-character")
    return front.replace("\u2028", " ").replace("\u2029", " ")


def parse_front_matter(path: Path, front: str, problems: Problems | None = None
                       ) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter as a dict, and the file line of each top-level key.

    YAML that does not parse raises; a bad or repeated field name is added to
    ``problems`` (raised when none is given) and the other fields are kept.
    """
    front = _separators_as_spaces(path, front, problems)
    loader = _Loader(front)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise PipelineError.at(
                path, node.start_mark.line + 2,
                "front matter must be a mapping of 'field: value' lines", "front-matter",
            )
        # first: with no node reused the value is a tree, which _too_deep walks once
        anchor = _reused_node(node)
        if anchor is not None:
            raise PipelineError.at(
                path, anchor.start_mark.line + 2,
                "front matter repeats this value through a YAML anchor and alias (&name, "
                "*name); write each value out", "front-matter",
            )
        deep = _too_deep(node)
        if deep is not None:
            raise PipelineError.at(
                path, deep.start_mark.line + 2,
                f"front matter nests lists or mappings more than {MAX_NESTING} levels deep: "
                "quote a value that is text, as in 'title: \"[[draft]]\"', or nest fewer "
                "levels", "front-matter")
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        collect = problems is not None
        problems = problems if problems is not None else Problems()
        for key_node, value_node in node.value:
            key = _construct(key_node, loader)
            line = key_node.start_mark.line + 2
            if not isinstance(key, str):
                problems.add(path, line, f"field name must be text, found {key!r}", code="front-matter")
                continue
            if key in data:
                problems.add(path, line, f"field '{key}' is given twice (first at line {lines[key]})",
                             code="front-matter")
                continue
            data[key] = without_comments(_construct(value_node, loader))
            lines[key] = line
        if not collect:
            problems.raise_if_errors()
        return data, lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 2
        what = yaml_problem(exc.problem)
        if exc.context and exc.context_mark and exc.context_mark.line + 2 != line:
            what += f" ({exc.context} that starts at line {exc.context_mark.line + 2})"
        tag = re.match(r"could not determine a constructor for the tag '(?:tag:yaml\.org,2002:)?"
                       r"(.*)'", what)
        if tag:  # !!python/object and the like: YAML that would run code
            name = tag.group(1)
            what = (f"the YAML tag '{'!!' if tag.group(0).count('2002:') else ''}{name}' is not "
                    "allowed: front matter holds plain text, numbers, dates, lists and mappings; "
                    "quote a value that starts with '!'")
        if mark and _tab_at(front, mark.line, mark.column) or "tab character" in what:
            what = "a tab indents this line: YAML indents with spaces; replace the tab with spaces"
        if what.startswith("mapping values are not allowed"):
            what += ("; a value that contains ': ' must be quoted, as in "
                     'title: "Iron: what is new"')
        raise PipelineError.at(path, line, f"front matter is not valid YAML: {what}",
                               "front-matter") from None
    except yaml.YAMLError as exc:
        raise PipelineError.at(path, 2, f"front matter is not valid YAML: {exc}",
                               "front-matter") from None
    finally:
        loader.dispose()
