"""Image files as every format can show them: checked before rendering, converted for screens.

``check`` opens each raster image the body shows with Pillow: one that is not
an image, is damaged (a half-copied PNG would print as a black box) or has
more than :data:`MAX_PIXELS` pixels (read from its header, before anything is
decoded) is an error at the image's line.  The PDF draws every format Pillow
reads; an EPUB may only hold PNG, JPEG, GIF, WebP and SVG, and browsers show
no TIFF, so :func:`for_screen` turns any other raster format into a PNG for the
EPUB and the web page (deterministically: the same bytes in, the same bytes
out).  An SVG file keeps what draws and loses what acts (scripts, event
handlers, HTML inside it), as an ``<svg>`` written in the text does; :func:`svg_problems` warns about each of them at its line.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import ERROR, WARNING, Problem, display_path, local_path
from .imagemeta import DATA_URL, without_metadata
from .svg_clean import clean_svg, svg_problems, svg_tree

# 50 million pixels: a 8660 x 5773 photograph, more than any printed or screen page
# needs, and about 200 MB once decoded; a handout's figure is a few megapixels.
MAX_PIXELS = 50_000_000
# A file larger than this is carried whole by every PDF and EPUB that shows it (a clinic's
# mail may refuse them): a warning, since it still prints well.
LARGE_IMAGE_BYTES = 5 * 1024 * 1024
# What EPUB 3.3 calls core media types among raster images, and what every browser shows.
SCREEN_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
SVG_NS = "http://www.w3.org/2000/svg"


class ImageProblem(Exception):
    """What is wrong with an image file, said in words for ``image 'x' ...``."""


@functools.lru_cache(maxsize=256)
def _inspect(path: str, _mtime: int, _size: int) -> str:
    """The Pillow format name of the raster image at ``path``; raises :class:`ImageProblem`."""
    return _inspect_raster(path, _size)


_PILLOW_STRICT = threading.Lock()


@contextlib.contextmanager
def _strict_pillow() -> Iterator[None]:
    """Pillow as it reads by default, whatever an imported library set.

    WeasyPrint, once imported, sets ``ImageFile.LOAD_TRUNCATED_IMAGES``: a truncated image
    then loads with its missing rows blank and an oversized text chunk is read as empty,
    so an image would pass or fail the check depending on what the process rendered before.
    """
    from PIL import ImageFile

    with _PILLOW_STRICT:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _inspect_raster(source: str | bytes, _size: int) -> str:
    """:func:`_inspect` of a file's path or of an image's bytes."""
    from PIL import Image, UnidentifiedImageError

    def opened() -> Any:
        return Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)

    if not _size:  # a copy or a download that never finished
        raise ImageProblem("is empty (0 bytes): copy or export it again")
    with warnings.catch_warnings(), _strict_pillow():
        # Pillow's own warning for a large image is replaced by the limit below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with opened() as image:
                kind, (width, height) = image.format or "", image.size
                if width * height > MAX_PIXELS:
                    raise ImageProblem(
                        f"is {width}\u00d7{height} pixels ({width * height / 1e6:.0f} "
                        f"megapixels), more than the {MAX_PIXELS // 1_000_000} a handout may "
                        "have: scale it down")
                image.verify()
            with opened() as image:
                image.load()
        except Image.DecompressionBombError as exc:
            found = re.search(r"\((\d+) pixels\)", str(exc))
            size = f" ({int(found.group(1)) / 1e6:.0f} megapixels)" if found else ""
            raise ImageProblem(f"has more pixels{size} than the {MAX_PIXELS // 1_000_000} "
                               "megapixels a handout may have: scale it down") from None
        except UnidentifiedImageError:
            if _signed(source):
                raise ImageProblem("is damaged (its header cannot be read): copy or export it "
                                   "again") from None
            raise ImageProblem("is not an image file the handout can show (PNG, JPEG, GIF, "
                               "WebP, TIFF, BMP or SVG)") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            if "MAX_TEXT_" in str(exc):  # Pillow's limits on a PNG's text chunks
                raise ImageProblem(
                    "carries more text in its metadata (PNG text chunks) than an image may "
                    "(1 MB a chunk, 64 MB in all): save it again without its metadata, or "
                    "export it as a new PNG") from None
            raise ImageProblem(f"is damaged ({_damage(exc)}): copy or export it "
                               "again") from None
    return kind


# How the files of the formats above start: such a file that Pillow cannot open is damaged.
SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")


def _signed(source: str | bytes) -> bool:
    if isinstance(source, bytes):
        head = source[:12]
    else:
        with open(source, "rb") as file:
            head = file.read(12)
    return head.startswith(SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _damage(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".")
    if "truncated" in text.lower() or isinstance(exc, EOFError):
        return "the file ends early"
    if "checksum" in text.lower() or "crc" in text.lower():
        return "its data does not match its checksum"
    return text[:1].lower() + text[1:] if text else type(exc).__name__


def raster_problem(path: Path) -> str | None:
    """What makes the raster image at ``path`` unusable (``is damaged ...``), or None."""
    try:
        stat = path.stat()
        _inspect(str(path), stat.st_mtime_ns, stat.st_size)
    except ImageProblem as exc:
        return str(exc)
    except OSError:
        return None  # a missing or unreadable file is reported as such elsewhere
    return None


def data_image_problem(target: str) -> str | None:
    """What makes an image written into the text as a ``data:`` address unusable, or None.

    Held to the rules of an image file: a drawing (SVG) could load files or run scripts
    that nothing checks, and a photograph is held to the pixel limit before it is decoded.
    """
    import base64
    import binascii

    match = DATA_URL.match(target.strip())
    if match is None:
        return ("is a data: address but not a base64 image (data:image/png;base64,...): save "
                "the image as a file beside the manuscript and show that file")
    try:
        data = base64.b64decode(re.sub(r"\s+", "", match.group(3)), validate=True)
    except (binascii.Error, ValueError):
        return "is a data: address whose base64 text is damaged: copy or export the image again"
    if match.group(1).lower() == "image/svg+xml" or _looks_like_svg(data):
        return ("is a drawing (SVG) written into the text as a data: address, which is not "
                "allowed: save it as a .svg file beside the manuscript and show that file")
    try:
        _inspect_raster(data, len(data))
    except ImageProblem as exc:
        return str(exc)
    return None


def check_image(path: Path, written: str, manuscript_path: Path,
                line: int | None) -> list[Problem]:
    """The problems of the image file ``path`` that the body shows as ``written``."""
    if path.suffix.lower() in (".svg", ".svgz"):
        return svg_problems(path) + _size_problems(path, written, manuscript_path, line)
    why = raster_problem(path)
    if why is None:
        return _size_problems(path, written, manuscript_path, line)
    return [Problem(display_path(manuscript_path), line, f"image '{written}' {why}", ERROR,
                    "bad-image")]


def _size_problems(path: Path, written: str, manuscript_path: Path,
                   line: int | None) -> list[Problem]:
    try:
        size = path.stat().st_size
    except OSError:
        return []
    if size <= LARGE_IMAGE_BYTES:
        return []
    return [Problem(display_path(manuscript_path), line,
                    f"image '{written}' is {size / 1024 / 1024:.1f} MB, and every PDF and EPUB "
                    "that shows it carries it whole: save a smaller copy (a photograph as JPEG "
                    "about 2,000 pixels wide is well under 1 MB)", WARNING, "large-image")]


def for_screen(data: bytes, svg: bool = False) -> tuple[bytes, str | None]:
    """(bytes, Pillow format) of an image as an EPUB and a browser can show it.

    A raster image in a format other than PNG, JPEG, GIF or WebP becomes a
    PNG; an SVG file (``svg``, or bytes that look like one) loses what acts
    (:func:`clean_svg`); every image loses what describes its maker
    (:func:`pipeline.imagemeta.without_metadata`); anything else is returned
    unchanged, with the format None when Pillow does not read it.
    """
    from PIL import Image, UnidentifiedImageError

    if svg or _looks_like_svg(data):
        return without_metadata(clean_svg(data), "SVG"), "SVG"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                if kind in SCREEN_FORMATS:
                    return without_metadata(data, kind), kind
                return _as_png(image), "PNG"
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
                Image.DecompressionBombError):
            return data, None


def _as_png(image: Any) -> bytes:
    """``image`` (its first frame) as PNG bytes, in a mode PNG holds; no time or text chunks."""
    image.load()
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return head.startswith((b"<svg", b"<?xml", b"<!doctype svg", b"<!--")) and b"<svg" in \
        data[:4096].lower()


# How deep SVG files that show SVG files are followed.
MAX_SVG_NESTING = 4
_MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif",
                "WEBP": "image/webp", "SVG": "image/svg+xml"}
_FONT_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf",
               ".otf": "font/otf", ".css": "text/css"}


def _local_file(url: str, folder: Path, top: Path) -> Path | None:
    """The file ``url`` names relative to ``folder`` when it is local and inside ``top``."""
    path = local_path(url, folder)
    if path is None:
        return None
    try:
        path = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return None
    return path if path.is_relative_to(top.resolve()) and path.is_file() else None


def _data_url(path: Path, top: Path, depth: int) -> str | None:
    import base64

    data = path.read_bytes()
    if _looks_like_svg(data):
        data, kind = self_contained_svg(data, path.parent, top, depth + 1), "SVG"
        data = clean_svg(data)
    else:
        data, kind = for_screen(data)
    media = _MEDIA_TYPES.get(kind or "") or _FONT_TYPES.get(path.suffix.lower())
    if media is None:
        return None
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


def self_contained_svg(data: bytes, folder: Path, top: Path | None = None,
                       depth: int = 0) -> bytes:
    """An SVG file's bytes with the local files it shows (images, other drawings, fonts)
    written into it as ``data:`` addresses.

    A PDF draws them from the SVG's folder; an EPUB and a web page hold the
    drawing on its own, where a linked image would be missing.  Files outside
    ``top`` (the manuscript's folder), missing files and remote addresses are
    left as they are (``check`` refuses them at their line).
    """
    from lxml import etree

    top = top or folder
    if depth > MAX_SVG_NESTING or not re.search(rb"(?:href|src)\s*=|url\s*\(", data):
        return data
    try:
        root = svg_tree(data)
    except Exception:  # noqa: BLE001 - not XML: refused by check, never shown as is
        return data
    changed = False
    cache: dict[str, str | None] = {}

    def inline(url: str) -> str | None:
        if url not in cache:
            path = _local_file(url, folder, top)
            cache[url] = _data_url(path, top, depth) if path else None
        return cache[url]

    def inline_css(css: str) -> str:
        nonlocal changed
        for url in set(_css_url_values(css)):
            replacement = inline(url)
            if replacement:
                css = css.replace(url, replacement)
                changed = True
        return css

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for key, value in element.attrib.items():
            local = etree.QName(key).localname
            if local in ("href", "src"):
                replacement = inline(value.strip())
                if replacement:
                    element.set(key, replacement)
                    changed = True
            elif local == "style":
                element.set(key, inline_css(value))
        if etree.QName(element).localname == "style" and element.text:
            element.text = inline_css(element.text)
    if not changed:
        return data
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")


def _css_url_values(css: str) -> list[str]:
    from .resources import css_urls

    return css_urls(css)


@functools.lru_cache(maxsize=32)
def _screen_copy(path: str, _mtime: int, _size: int) -> tuple[bytes, bool]:
    original = Path(path).read_bytes()
    svg = path.lower().endswith(".svg") or _looks_like_svg(original)
    source = self_contained_svg(original, Path(path).parent) if svg else original
    data, kind = for_screen(source, svg=svg)
    return data, kind == "PNG" and data is not original


def screen_copy(path: Path) -> tuple[bytes, str]:
    """(bytes, file suffix) of the image at ``path`` as the web page serves it."""
    stat = path.stat()
    data, converted = _screen_copy(str(path), stat.st_mtime_ns, stat.st_size)
    return data, ".png" if converted else path.suffix.lower()


IMAGE_TYPES = frozenset(("png", "jpg", "jpeg", "gif", "svg", "webp", "tif", "tiff", "bmp"))


def alt_names_the_file(alt: str, target: str) -> bool:
    """Whether an image's alt text is only its file's type (``png``, as nbconvert writes
    every picture) or its file's whole name (``output_5_0.png``), which says nothing of
    what it shows."""
    from urllib.parse import unquote, urlsplit

    lowered = alt.lower()
    if lowered in IMAGE_TYPES:
        return True
    if target.lower().startswith("data:"):
        return False
    name = unquote(urlsplit(target).path).rsplit("/", 1)[-1].lower()
    return "." in name and lowered == name
