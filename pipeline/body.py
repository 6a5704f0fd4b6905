"""The manuscript body as pandoc AST: parse once, check, select an audience.

Checks here look at the tree, not the text: images need alt text and an
existing file; every resource the body references (images, raw HTML
``src``/``href``/``data``, CSS ``url()``, attachments) must be a relative path
inside the manuscript's own folder; audience blocks must name an audience the
manuscript lists (:func:`pipeline.editions.check_audiences`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import Problems, is_file
from .fences import FENCE
from .images import alt_names_the_file, check_image, data_image_problem
from .model import Manuscript
from .nesting import (
    MAX_BRACKETS,
    MAX_OPEN_TAGS,
    bracket_line,
    busiest_line,
    deepest_line,
    open_tag_line,
    runaway_line,
)
from .pandoc import PandocFailure, PandocTimeout, markdown_to_ast
from .rawhtml import DATA_IMAGE
from .resources import RESOURCE_ATTRS, RawScanner, check_svg, css_urls, resource_problem
from .tree import Node, attr_of, rewrite, stringify, walk

# pandoc's JSON nests 2-3 levels per quote, list or div; the stages and
# WeasyPrint walk the tree recursively.
MAX_DEPTH = 120
TOO_DEEP = ("the Markdown body nests quotes, lists or divs too deeply (about "
            f"{MAX_DEPTH // 3} levels inside each other at most)")


def parse_body(manuscript: Manuscript, problems: Problems) -> dict[str, Any] | None:
    """The body's AST; a pandoc failure becomes a located problem."""
    brackets = bracket_line(manuscript.body)
    if brackets:  # refused before pandoc spends minutes on it
        problems.add(manuscript.path, manuscript.body_line + brackets - 1,
                     f"more than {MAX_BRACKETS} '[' open inside each other: pandoc's Markdown "
                     "reader takes seconds to minutes on them; write a bracket that is text "
                     "as \\[", code="markdown")
        return None
    runaway = runaway_line(manuscript.body)
    if runaway:  # refused before pandoc spends minutes on it
        line = deepest_line(manuscript.body, MAX_DEPTH // 3) or runaway
        problems.add(manuscript.path, manuscript.body_line + line - 1, TOO_DEEP,
                     code="markdown")
        return None
    tags = open_tag_line(manuscript.body)
    if tags:
        problems.add(manuscript.path, manuscript.body_line + tags - 1,
                     f"more than {MAX_OPEN_TAGS} '<' open with no '>' after them (HTML tags or "
                     "comments never closed): pandoc's Markdown reader takes minutes on them; "
                     "close each tag, or write a '<' that is text as \\<", code="markdown")
        return None
    try:
        ast = markdown_to_ast(manuscript.body)
        if not _deeper_than(ast, MAX_DEPTH):
            if ast.get("meta"):
                _body_metadata(manuscript, sorted(ast["meta"]), problems)
            _unused_notes(manuscript, problems)
            return ast
    except RecursionError:  # deeper than json.loads goes
        pass
    except PandocTimeout as exc:  # no line of its own: the body's first, and what to look for
        problems.add(manuscript.path, manuscript.body_line,
                     f"the Markdown body cannot be read: {exc}: look for text repeated "
                     "thousands of times (tags, brackets or quotes never closed), or split the "
                     "handout", code="markdown")
        return None
    except PandocFailure as exc:
        line = None
        m = re.search(r"line (\d+)", str(exc))
        if m:
            line = manuscript.body_line + int(m.group(1)) - 1
        problems.add(manuscript.path, line, f"the Markdown body cannot be read: {exc}",
                     code="markdown")
        return None
    line = deepest_line(manuscript.body, MAX_DEPTH // 3) or \
        busiest_line(manuscript.body, MAX_DEPTH // 3)
    problems.add(manuscript.path, manuscript.body_line + line - 1 if line else None,
                 TOO_DEEP, code="markdown")
    return None


def _body_metadata(manuscript: Manuscript, fields: list[str], problems: Problems) -> None:
    """A YAML block in the body: pandoc reads it as metadata, a handout does not."""
    lines = manuscript.body.split("\n")
    fence = ""
    line = None
    for k, text in enumerate(lines):
        opener = re.match(r"^\s{0,3}(`{3,}|~{3,})", text)
        if opener and (not fence or opener.group(1).startswith(fence)):
            fence = "" if fence else opener.group(1)
        elif not fence and text.rstrip() == "---" and (k == 0 or not lines[k - 1].strip()) \
                and k + 1 < len(lines) and lines[k + 1].strip():
            line = manuscript.body_line + k
            break
    names = ", ".join(f"'{name}'" for name in fields)
    problems.warn(manuscript.path, line,
                  f"a YAML block in the body ({names}) is not read: a handout reads its fields "
                  "from the front matter at the top of the file only; move them there",
                  code="body-yaml")


NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def _unused_notes(manuscript: Manuscript, problems: Problems) -> None:
    """A footnote written but never called: pandoc leaves its text out, so a warning says so."""
    if "[^" not in manuscript.body:
        return
    defined: dict[str, tuple[int, str]] = {}
    called: set[str] = set()
    fence = ""
    for k, text in enumerate(manuscript.body.split("\n")):
        opener = re.match(r"^\s{0,3}(`{3,}|~{3,})", text)
        if opener and (not fence or opener.group(1).startswith(fence)):
            fence = "" if fence else opener.group(1)
            continue
        if fence:
            continue
        prose = re.sub(r"(`+).+?\1", "", text)
        definition = NOTE_DEFINITION.match(prose)
        if definition:
            label = definition.group(1)
            defined.setdefault(label.lower(), (manuscript.body_line + k, label))
            prose = prose[definition.end():]
        called.update(label.lower() for label in NOTE_CALL.findall(prose))
    for key, (line, label) in defined.items():
        if key not in called:
            problems.warn(manuscript.path, line,
                          f"footnote [^{label}] is never called, so its text is left out: "
                          f"write [^{label}] where it belongs, or delete the note",
                          code="unused-note")


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests deeper than ``limit``, counting the values inside its innermost
    lists and dicts (a string at the top is 1 deep, ``["a"]`` 2); containers only are
    visited, and none below ``limit``."""
    def deeper(item: Any, depth: int) -> bool:  # a container that is not empty, at depth
        if depth >= limit:  # its values are one level deeper
            return True
        for child in item.values() if type(item) is dict else item:
            if isinstance(child, dict | list) and child and deeper(child, depth + 1):
                return True  # an empty container inside is no deeper than its values
        return False

    if not isinstance(value, dict | list) or not value:
        return limit < 1
    return deeper(value, 1)


def source_line(manuscript: Manuscript, needle: str, near: str = "") -> int | None:
    """The first body line containing ``needle``, preferring one that also has ``near``."""
    if not needle:
        return None
    first = None
    for offset, line in enumerate(manuscript.body.split("\n")):
        if needle in line:
            if not near or near in line:
                return manuscript.body_line + offset
            first = manuscript.body_line + offset if first is None else first
    return first


DIV_OPEN = re.compile(r"^:{3,}\s*(\{[^}]*\}|[\w-]+)\s*:*\s*$")
DIV_CLOSE = re.compile(r"^:{3,}\s*$")


def check_fences(manuscript: Manuscript, problems: Problems) -> None:
    """A fenced block (``::: {audience=...}``) that is never closed.

    pandoc runs such a block to the end of the document: an unclosed patient
    block would silently take every later section out of the clinician edition.
    """
    opened: list[int] = []
    code: str | None = None
    for offset, line in enumerate(manuscript.body.split("\n")):
        fence = FENCE.match(line)
        if code is not None:
            if fence and fence.group(1)[0] == code[0] and len(fence.group(1)) >= len(code):
                code = None
            continue
        if fence:
            code = fence.group(1)
        elif DIV_OPEN.match(line):
            opened.append(manuscript.body_line + offset)
        elif DIV_CLOSE.match(line) and opened:
            opened.pop()
    for line in opened:
        problems.add(manuscript.path, line, "this ':::' block is never closed: add a line "
                     "':::' where it ends (otherwise it runs to the end of the document)",
                     code="unclosed-block")


def check_body(manuscript: Manuscript, ast: Mapping[str, Any], problems: Problems) -> None:
    """Check images, resources and audience blocks of the parsed body."""
    check_fences(manuscript, problems)
    folder = manuscript.path.parent
    for node in walk(ast["blocks"]):
        t = node["t"]
        attr = attr_of(node)
        if attr is not None:
            for key, value in attr[2]:
                if key == "audience":
                    continue
                urls = css_urls(value) if key == "style" else (
                    [value] if key in RESOURCE_ATTRS else [])
                for url in urls:
                    what = "url() in a style attribute" if key == "style" else f"attribute '{key}'"
                    _report_resource(manuscript, url, what, folder, problems, near=f"{key}=")
            if t == "Link" and any(k == "rel" and "attachment" in v.lower() for k, v in attr[2]):
                _report_resource(manuscript, node["c"][2][0], "attachment", folder, problems)
        if t == "Cite":
            for cite in node["c"][0]:
                inner = [n for n in walk(cite["citationSuffix"]) if n["t"] == "Cite"]
                if inner:
                    key, second = cite["citationId"], inner[0]["c"][0][0]["citationId"]
                    problems.add(manuscript.path, source_line(manuscript, f"@{second}"),
                                 f"'@{second}' is inside the citation of '@{key}' as text: "
                                 f"separate the keys with ';' ([@{key}; @{second}])",
                                 code="citation-syntax")
        if t == "Image":
            target = node["c"][2][0]
            written = as_written(manuscript, target)
            line = image_line(manuscript, written)
            alt = stringify(node["c"][1]).strip()
            if not alt:
                problems.add(manuscript.path, line, f"image '{written}' has no alt text: write "
                             f"![what the image shows]({written})", code="no-alt")
            elif alt_names_the_file(alt, target):
                shown = written if len(written) <= 60 else written[:40] + "..."
                problems.warn(manuscript.path, line,
                              f"image '{shown}' has the alt text '{alt}', its "
                              "file's type or name (as a notebook exported by nbconvert has "
                              "it), which says nothing of the picture: write ![what the image "
                              "shows](...)", code="no-alt")
            if _report_resource(manuscript, written, "image", folder, problems):
                continue
            if not urlsplit(target).scheme and not is_file(folder / unquote(target)):
                try:
                    folder_named = (folder / unquote(target)).is_dir()
                except (OSError, ValueError):  # a name the system refuses: not found
                    folder_named = False
                problems.add(manuscript.path, line, f"image '{written}' "
                             + ("is a folder, not an image file" if folder_named
                                else "not found" + (_size_hint(written)
                                                    or _site_folder_hint(written))),
                             code="missing-image")
            else:
                check_svg(target, folder, problems)
                if not urlsplit(target).scheme:
                    problems.extend(check_image(folder / unquote(target), written,
                                                manuscript.path, line))
                _check_data_image(manuscript, target, line, problems)
        elif t in ("RawInline", "RawBlock"):
            fmt, text = node["c"]
            if fmt.lower() not in ("html", "html5", "html4"):
                continue
            scanner = RawScanner()
            try:
                scanner.feed(text)
                scanner.close()
            except Exception:  # noqa: BLE001 - html.parser is lenient; be safe anyway
                problems.add(manuscript.path, source_line(manuscript, text.strip().split("\n")[0][:40]),
                             "raw HTML that cannot be read", code="raw-html")
                continue
            for tag, key, url in scanner.found:
                what = {"style": "url() in a style attribute", "url": "url() in <style>"}.get(
                    key, f"<{tag} {key}>")
                _report_resource(manuscript, url, what, folder, problems,
                                 needle=text.strip().split("\n")[0][:40],
                                 near="style=" if key == "style" else f"<{tag}")
                if tag == "img" and key == "src" and not resource_problem(url, folder) \
                        and not urlsplit(url).scheme and not is_file(folder / unquote(url)):
                    problems.add(manuscript.path, source_line(manuscript, url, "src="),
                                 f"image '{url}' not found", code="missing-image")
                elif not resource_problem(url, folder):
                    check_svg(url, folder, problems)
                    if tag == "img" and key == "src" and not urlsplit(url).scheme:
                        problems.extend(check_image(folder / unquote(url), url, manuscript.path,
                                                    source_line(manuscript, url, "src=")))
                    elif tag == "img" and key == "src" and DATA_IMAGE.match(url.strip()):
                        # what raw HTML keeps (other data: addresses are left out there)
                        _check_data_image(manuscript, url, source_line(manuscript, url[:60],
                                                                       "src="), problems)
            if re.search(r"<img\b(?![^>]*\balt\s*=\s*['\"]?[^'\"\s>])", text, re.IGNORECASE):
                problems.add(manuscript.path, source_line(manuscript, text.strip().split("\n")[0][:40]),
                             "raw <img> has no alt text", code="no-alt")


def _check_data_image(manuscript: Manuscript, target: str, line: int | None,
                      problems: Problems) -> None:
    if not target.lower().startswith("data:") or (why := data_image_problem(target)) is None:
        return
    shown = target if len(target) <= 60 else target[:40] + "..."
    problems.add(manuscript.path, line, f"image '{shown}' {why}", code="bad-image")


def image_line(manuscript: Manuscript, written: str) -> int | None:
    """The line of the image ``![...](written)``, not of a sentence that names its file first
    (a reference-style image's line is that of its ``[name]: written``)."""
    return source_line(manuscript, f"]({written}") or source_line(manuscript, f"](<{written}>") \
        or source_line(manuscript, written, "]:")


def as_written(manuscript: Manuscript, target: str) -> str:
    """``target`` as the manuscript spells it: pandoc writes a space in an address as %20."""
    if target in manuscript.body:
        return target
    decoded = unquote(target)
    return decoded if decoded in manuscript.body else target


IMAGE_SIZE = re.compile(r"^(?P<file>.*?)\s+=(?P<width>\d+(?:\.\d+)?%?)?"
                        r"(?:x(?P<height>\d+(?:\.\d+)?%?))?$")


SITE_FOLDER = re.compile(r"^\{(static|attach|filename)\}/?(.*)$")


def _site_folder_hint(written: str) -> str:
    """For Pelican's ``{static}/images/knee.png``: the folder it names is its site's."""
    m = SITE_FOLDER.match(written)
    if not m or not m.group(2):
        return ""
    return (f": '{{{m.group(1)}}}' is Pelican's mark for its content folder, which a handout "
            f"does not have: write the picture's path from the manuscript's folder "
            f"(![text]({m.group(2)}) for a picture at {m.group(2)} beside it)")


def _size_hint(written: str) -> str:
    """How to size an image in pandoc's Markdown when ``written`` tries another dialect's way."""
    m = IMAGE_SIZE.match(written)
    if not m or not (m.group("width") or m.group("height")):
        return ""
    size = " ".join(f"{k}={m.group(k)}" for k in ("width", "height") if m.group(k))
    return (f": everything between the parentheses is read as the file name; a size goes "
            f"after them: ![text]({m.group('file')}){{{size}}}")


def _report_resource(manuscript: Manuscript, target: str, what: str, folder: Path,
                     problems: Problems, needle: str | None = None, near: str = "") -> bool:
    why = resource_problem(target, folder)
    if why is None:
        return False
    line = source_line(manuscript, target, near) or source_line(manuscript, needle or "")
    problems.add(manuscript.path, line, f"{what} '{target}' refused: {why}", code="resource")
    return True


DIVS_AND_SPANS = ("Div", "Span")
def select_audience(ast: Mapping[str, Any], audience: str, renumber: bool = True
                    ) -> dict[str, Any]:
    """The AST of one edition: audience blocks of other audiences removed.

    Its example items and their references are then numbered within the
    edition (see :mod:`.examples`), unless ``renumber`` is false.
    """

    def keep(node: Node) -> Any:
        if node["t"] not in ("Div", "Span"):
            return None
        attr = node["c"][0]
        wanted = [v for k, v in attr[2] if k == "audience"]
        if not wanted:
            return None
        names = wanted[0].replace(",", " ").split()
        if audience not in names:
            return []
        rest = [[k, v] for k, v in attr[2] if k != "audience"]
        inner = rewrite(node["c"][1], keep, DIVS_AND_SPANS)
        return {"t": node["t"], "c": [[attr[0], attr[1] + ["audience-" + audience], rest], inner]}

    new_ast = dict(ast)
    new_ast["blocks"] = rewrite(list(ast["blocks"]), keep, DIVS_AND_SPANS)
    if renumber:
        from .examples import renumber_examples

        new_ast["blocks"] = renumber_examples(new_ast["blocks"])
    return new_ast
