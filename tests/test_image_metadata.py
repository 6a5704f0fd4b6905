"""An image's notes about its maker (EXIF, GPS, comments, text chunks, editor paths) stay home."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, PngImagePlugin
from PIL.ExifTags import GPS, IFD, Base

from pipeline.imagemeta import without_metadata

PRIVATE = ("Ana's phone", "CamCo", "Ward 4 bed 2", "-secret-comment", "/home/ana", "ana@",
           "Editor Note", "GPSLatitude")


def photo(orientation: int = 1) -> bytes:
    """A JPEG with a camera, an owner, a description, a GPS position and a comment."""
    exif = Image.Exif()
    exif[Base.Make] = "CamCo"
    exif[Base.Model] = "Ana's phone"
    exif[Base.ImageDescription] = "Ward 4 bed 2"
    exif[Base.Orientation] = orientation
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef], gps[GPS.GPSLatitude] = "N", (51.0, 30.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 40, 40)).save(out, "JPEG", exif=exif,
                                                     comment=b"a-secret-comment")
    return out.getvalue()


def chart() -> bytes:
    """A PNG with author, comment and XMP text chunks."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "ana@clinic.example")
    info.add_text("Comment", "saved from /home/ana/charts")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>Editor Note</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (40, 160, 40)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


DRAWING = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a-secret-comment: drawn for ana@clinic.example -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
  xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
  width="60" height="30" viewBox="0 0 60 30" sodipodi:docname="/home/ana/dose.svg"
  inkscape:export-filename="/home/ana/dose.png">
  <metadata><rdf:RDF><rdf:Description><dc:creator>Editor Note</dc:creator>
  </rdf:Description></rdf:RDF></metadata>
  <sodipodi:namedview id="view" inkscape:window-width="1920"/>
  <title>Dose bar</title>
  <rect x="5" y="5" width="50" height="20" fill="#2050a0" inkscape:label="bar"/>
</svg>
"""


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


def test_a_photographs_exif_and_comment_are_left_out_and_its_pixels_and_orientation_kept():
    original = photo(orientation=6)
    cleaned = without_metadata(original, "JPEG")
    for text in PRIVATE:
        assert text.encode() not in cleaned, text
    assert pixels(cleaned) == pixels(original)
    with Image.open(io.BytesIO(cleaned)) as image:
        exif = image.getexif()
        assert dict(exif) == {Base.Orientation: 6}
        assert not exif.get_ifd(IFD.GPSInfo)
        assert "comment" not in image.info
    upright = without_metadata(photo(), "JPEG")
    with Image.open(io.BytesIO(upright)) as image:
        assert "exif" not in image.info


def test_a_progressive_photograph_with_a_second_picture_after_its_end_loses_both_notes():
    exif = Image.Exif()
    exif[Base.Make] = "CamCo"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 160)).save(out, "JPEG", progressive=True, exif=exif,
                                                     comment=b"a-secret-comment")
    original = out.getvalue() + photo()  # a phone's depth map or preview, with its own EXIF
    cleaned = without_metadata(original, "JPEG")
    for text in PRIVATE:
        assert text.encode() not in cleaned, text
    assert cleaned.endswith(b"\xff\xd9") and cleaned.count(b"\xff\xd8") == 1
    assert pixels(cleaned) == pixels(original)


def test_a_pngs_text_chunks_are_left_out_and_its_pixels_kept():
    original = chart()
    cleaned = without_metadata(original, "PNG")
    for text in PRIVATE:
        assert text.encode() not in cleaned, text
    assert pixels(cleaned) == pixels(original)


def test_a_drawings_comments_metadata_and_editor_notes_are_left_out_and_what_draws_kept():
    from lxml import etree

    cleaned = without_metadata(DRAWING, "SVG")
    for text in (*PRIVATE, "inkscape", "sodipodi", "metadata"):
        assert text.encode() not in cleaned, text
    root = etree.fromstring(cleaned)
    svg = "{http://www.w3.org/2000/svg}"
    assert [(e.tag, dict(e.attrib)) for e in root] == [
        (f"{svg}title", {}),
        (f"{svg}rect", {"x": "5", "y": "5", "width": "50", "height": "20", "fill": "#2050a0"})]
    assert root.find(f"{svg}title").text == "Dose bar"


@pytest.mark.parametrize("damaged", [photo()[:50], chart()[:40], b"RIFF\0\0\0\0WEBPVP8X"])
def test_a_damaged_file_is_returned_as_it_is(damaged):
    kind = {b"\xff": "JPEG", b"\x89": "PNG", b"R": "WEBP"}[damaged[:1]]
    assert without_metadata(damaged, kind) == damaged


def test_no_output_a_clinic_gets_holds_an_images_notes(tmp_path):
    from helpers import build_fixed

    (tmp_path / "photo.jpg").write_bytes(photo())
    (tmp_path / "chart.png").write_bytes(chart())
    (tmp_path / "dose.svg").write_bytes(DRAWING)
    scan = "data:image/jpeg;base64," + base64.b64encode(photo(orientation=3)).decode()
    (tmp_path / "m.md").write_text(
        '---\ntitle: "Pictures"\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-06-01\n'
        "---\n\n![The wound](photo.jpg)\n\n![The chart](chart.png)\n\n![The dose](dose.svg)\n"
        f"\n![The scan]({scan})\n\nRaw: <img src=\"{scan}\" alt=\"The scan again\">\n",
        encoding="utf-8")
    out = build_fixed([tmp_path / "m.md"], tmp_path / "out", jobs=1)
    files: dict[str, bytes] = {}
    for path in sorted(Path(out).rglob("*")):
        if path.is_file():
            files[str(path.relative_to(out))] = path.read_bytes()
    with zipfile.ZipFile(out / "m.clinician.epub") as epub:
        files.update({f"epub:{n}": epub.read(n) for n in epub.namelist()})
    with pikepdf.open(out / "m.clinician.pdf") as pdf:
        images = [o.read_raw_bytes() for o in pdf.objects if isinstance(o, pikepdf.Stream)
                  and o.get("/Subtype") == "/Image"]
    assert len(images) == 3  # the photographs as they were encoded (no notes), the chart
    files.update({f"pdf image {k}": data for k, data in enumerate(images)})
    written = [base64.b64decode(m) for data in list(files.values())
               for m in re.findall(rb"data:image/[a-z+]+;base64,([A-Za-z0-9+/=]+)", data)]
    assert len(written) == 2  # the scan, as Markdown and as raw HTML, in the web page
    files.update({f"data address {k}": data for k, data in enumerate(written)})
    assert sum(name.startswith("epub:EPUB/media/") for name in files) == 4
    for name, data in files.items():
        for text in PRIVATE:
            assert text.encode() not in data, (name, text)


def test_a_webps_exif_and_xmp_are_left_out_and_its_pixels_kept():
    exif = Image.Exif()
    exif[Base.Make] = "CamCo"
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 20, 30)).save(out, "WEBP", exif=exif, lossless=True,
                                                   xmp=b"<x:xmpmeta>Editor Note</x:xmpmeta>")
    cleaned = without_metadata(out.getvalue(), "WEBP")
    assert b"CamCo" not in cleaned and b"Editor Note" not in cleaned
    assert pixels(cleaned) == pixels(out.getvalue())


def test_a_gifs_comment_is_left_out_and_its_frames_kept():
    frames = [Image.new("RGB", (12, 8), colour) for colour in ((200, 0, 0), (0, 0, 200))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=50,
                   comment=b"a-secret-comment")
    original = out.getvalue() + b"trailing ana@clinic.example"
    cleaned = without_metadata(original, "GIF")
    assert b"secret" not in cleaned and b"ana@" not in cleaned
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(cleaned)) as after:
        assert after.n_frames == before.n_frames == 2
        for frame in range(2):
            before.seek(frame)
            after.seek(frame)
            assert after.convert("RGB").tobytes() == before.convert("RGB").tobytes()
