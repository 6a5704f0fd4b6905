"""What an image file says about its maker, left out before it leaves the building.

A photograph carries EXIF (camera, owner, GPS position, a description that may
name a patient), XMP and IPTC; a GIF comments; a PNG text chunks (author, comment, the
software's file path); a drawing saved by Inkscape its file path, XML comments
and a ``<metadata>`` block.  None of it is drawn, so :func:`without_metadata`
leaves it out of the copy a PDF, an EPUB or a web page holds, losslessly: the
pixels and the colour profile are kept byte for byte, and a photograph's
orientation stays (a minimal EXIF block that holds only it).
"""

from __future__ import annotations

import io
import re
import struct

JPEG_START = b"\xff\xd8"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Segments a JPEG decoder needs besides the image's own: JFIF (APP0), the ICC
# colour profile (APP2 "ICC_PROFILE") and Adobe's colour transform (APP14).
KEPT_APP = {0xE0, 0xEE}
ICC = b"ICC_PROFILE\x00"
# PNG chunks that only describe: text, time of the last edit, EXIF.
PNG_NOTES = {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"}
WEBP_NOTES = {b"EXIF", b"XMP "}
ORIENTATION = 0x0112
# Namespaces of drawing programs' own notes (file paths, window sizes, layers' names).
EDITOR_NAMESPACES = re.compile(
    r"inkscape\.org|sodipodi|adobe\.com/(?:illustrator|xap|AdobeIllustrator)|"
    r"sketch\.com|bohemiancoding|purl\.org/dc/|creativecommons\.org|w3\.org/1999/02/22-rdf")


def without_metadata(data: bytes, kind: str | None) -> bytes:
    """``data`` (an image of Pillow format ``kind``, or "SVG") without what describes it."""
    try:
        if kind == "JPEG" and data.startswith(JPEG_START):
            return _jpeg(data)
        if kind == "PNG" and data.startswith(PNG_SIGNATURE):
            return _png(data)
        if kind == "WEBP" and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
        if kind == "GIF" and data[:6] in (b"GIF87a", b"GIF89a"):
            return _gif(data)
        if kind == "SVG":
            return _svg(data)
    except (ValueError, struct.error, IndexError):
        return data  # a damaged file: check refuses it, nothing here makes it worse
    return data


DATA_URL = re.compile(r"^data:(image/[\w.+-]+)((?:;[\w-]+=[^;,]*)*);base64,(.*)$", re.DOTALL)


def data_url_without_metadata(url: str) -> str:
    """A ``data:image/...;base64,`` address whose image has lost its notes; others as given."""
    import base64
    import binascii

    match = DATA_URL.match(url.strip())
    if match is None:
        return url
    try:
        data = base64.b64decode(match.group(3), validate=False)
    except (binascii.Error, ValueError):
        return url
    cleaned = without_metadata(data, sniffed_kind(data))
    if cleaned == data:
        return url
    encoded = base64.b64encode(cleaned).decode("ascii")
    return f"data:{match.group(1)}{match.group(2)};base64,{encoded}"


def sniffed_kind(data: bytes) -> str | None:
    """The format of image bytes this module cleans ("JPEG", "PNG", "WEBP", "GIF", "SVG")."""
    if data.startswith(JPEG_START):
        return "JPEG"
    if data.startswith(PNG_SIGNATURE):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in \
            data[:4096].lower():
        return "SVG"
    return None


def _jpeg(data: bytes) -> bytes:
    """The JPEG's segments a decoder needs, up to the end of its image.

    What a phone writes after the image's end (a second picture, a depth map,
    with EXIF of their own) is left out too.
    """
    out = [JPEG_START]
    at = 2
    orientation = _orientation(data)
    if orientation not in (None, 1):
        out.append(_exif_segment(orientation))
    while at < len(data):
        if data[at] != 0xFF:
            raise ValueError("not a marker")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:  # end of image
            out.append(data[at:at + 2])
            return b"".join(out)
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:
            out.append(data[at:at + 2])
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        end = at + 2 + length
        if end > len(data):
            raise ValueError("truncated")
        note = marker == 0xFE or (0xE0 <= marker <= 0xEF and marker not in KEPT_APP
                                  and not (marker == 0xE2 and data[at + 4:at + 16] == ICC))
        if marker == 0xDA:  # a scan: its coded data runs to the next marker
            end = _scan_end(data, end)
        if not note:
            out.append(data[at:end])
        at = end
    raise ValueError("no end of image")


def _scan_end(data: bytes, at: int) -> int:
    """Where a scan's coded data starting at ``at`` ends: at the next marker but RSTn."""
    while True:
        at = data.index(b"\xff", at)
        following = data[at + 1] if at + 1 < len(data) else None
        if following is None:
            raise ValueError("truncated")
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            at += 1 if following == 0xFF else 2
            continue
        return at


def _orientation(data: bytes) -> int | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            value = image.getexif().get(ORIENTATION)
    except Exception:  # noqa: BLE001 - unreadable EXIF: no orientation to keep
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _exif_segment(orientation: int) -> bytes:
    """An APP1 segment holding an EXIF block with the orientation alone."""
    tiff = (b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x01"
            + struct.pack(">HHIHH", ORIENTATION, 3, 1, orientation, 0) + b"\x00\x00\x00\x00")
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def _png(data: bytes) -> bytes:
    out = [PNG_SIGNATURE]
    at = len(PNG_SIGNATURE)
    while at < len(data):
        length = struct.unpack(">I", data[at:at + 4])[0]
        kind = data[at + 4:at + 8]
        end = at + 12 + length
        if end > len(data):
            raise ValueError("truncated")
        if kind not in PNG_NOTES:
            out.append(data[at:end])
        at = end
        if kind == b"IEND":
            break
    return b"".join(out)


def _webp(data: bytes) -> bytes:
    chunks = []
    at = 12
    while at + 8 <= len(data):
        kind = data[at:at + 4]
        length = struct.unpack("<I", data[at + 4:at + 8])[0]
        end = at + 8 + length + (length & 1)
        if at + 8 + length > len(data):
            raise ValueError("truncated")
        if kind not in WEBP_NOTES:
            chunk = data[at:end]
            if kind == b"VP8X":  # the flags that announce EXIF and XMP
                chunk = chunk[:8] + bytes([chunk[8] & ~0x0C]) + chunk[9:]
            chunks.append(chunk)
        at = end
    if at < len(data) or not chunks:
        raise ValueError("truncated")
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _gif(data: bytes) -> bytes:
    """A GIF without its comment and XMP extensions, and nothing after its end."""

    def blocks_end(at: int) -> int:  # past a run of data sub-blocks and its terminator
        while data[at]:
            at += 1 + data[at]
        return at + 1

    def table(packed: int) -> int:
        return 3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0

    at = 13 + table(data[10])
    out = [data[:at]]
    while True:
        kind = data[at]
        if kind == 0x3B:  # trailer
            out.append(b"\x3b")
            return b"".join(out)
        if kind == 0x21:
            end = blocks_end(at + 2)
            label = data[at + 1]
            note = label == 0xFE or (label == 0xFF and data[at + 3:at + 11] == b"XMP Data")
        elif kind == 0x2C:
            start = at + 10 + table(data[at + 9]) + 1  # past the LZW code size
            end = blocks_end(start)
            note = False
        else:
            raise ValueError("not a GIF block")
        if end > len(data):
            raise ValueError("truncated")
        if not note:
            out.append(data[at:end])
        at = end


def _svg(data: bytes) -> bytes:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return data
    changed = b"<!--" in data
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element)
        if name.localname == "metadata" or EDITOR_NAMESPACES.search(name.namespace or ""):
            parent = element.getparent()
            if parent is not None:
                _remove_keeping_tail(parent, element)
                changed = True
            continue
        for key in [k for k in element.attrib
                    if EDITOR_NAMESPACES.search(etree.QName(k).namespace or "")]:
            del element.attrib[key]
            changed = True
    if not changed:
        return data
    etree.cleanup_namespaces(root)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")


def _remove_keeping_tail(parent: object, element: object) -> None:
    tail = element.tail  # type: ignore[attr-defined]
    previous = element.getprevious()  # type: ignore[attr-defined]
    parent.remove(element)  # type: ignore[attr-defined]
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail  # type: ignore[attr-defined]
