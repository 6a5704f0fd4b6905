"""Image files as they come: TIFF and BMP, SVG files with scripts, damaged and huge images.

One small project is built once (PDF, EPUB and web page) with a TIFF, a BMP,
a PNG and an SVG file that carries a script; the book is run through
EPUBCheck, the web page's images are read back from ``assets/images/``.
Damaged and oversized images are errors at their line in ``check`` and
``build``, and no warning of Pillow's reaches the user.
"""

from __future__ import annotations

import base64
import io
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from helpers import EPOCH, PNG_1PX, epub_documents, epub_opf, epubcheck
from lxml import etree
from lxml import html as lxml_html
from PIL import Image

from pipeline.build import BuildOptions, build, check

XHTML = "{http://www.w3.org/1999/xhtml}"
FRONT = """---
title: "Images"
version: 1.0.0
status: draft
last_updated: 2025-09-01
---

"""
SCRIPTED_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">
  <script>alert(1)</script>
  <rect width="40" height="30" fill="teal" onload="alert(2)"/>
  <a><circle cx="20" cy="15" r="5" fill="white"/></a>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div>
  </foreignObject>
</svg>
"""


def _image(kind: str, size: tuple[int, int] = (60, 40), colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=kind)
    return out.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that only declares its size: no pixel data follows."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                                                  0, 0)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("images")
    (folder / "img").mkdir()
    (folder / "img" / "scan.tif").write_bytes(_image("TIFF", colour="blue"))
    (folder / "img" / "paint.bmp").write_bytes(_image("BMP", colour="green"))
    (folder / "img" / "plain.png").write_bytes(_image("PNG"))
    (folder / "img" / "chart.svg").write_text(SCRIPTED_SVG, encoding="utf-8")
    (folder / "m.md").write_text(FRONT + "![A blue scan](img/scan.tif)\n\n"
                                 "![A green painting](img/paint.bmp)\n\n"
                                 "![A red square](img/plain.png)\n\n"
                                 "![A teal chart](img/chart.svg)\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(project: Path) -> tuple[Path, list[str]]:
    import os

    out = project / "dist"
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        report = build([project / "m.md"], BuildOptions(out=out, use_cache=False, jobs=1))
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert report.ok, [str(p) for p in report.problems]
    return out, [str(p) for p in report.problems]


def test_a_scripted_svg_file_is_a_warning_at_each_line(built, project, monkeypatch):
    monkeypatch.chdir(project)
    expected = [
        ("img/chart.svg:2: warning: <script> is left out of the image in the EPUB and the web "
        "page: scripts never go into a handout"),
        ("img/chart.svg:3: warning: onload= is left out of the image in the EPUB and the web "
        "page: scripts never go into a handout"),
        ("img/chart.svg:5: warning: <foreignObject> is left out of the image in the EPUB and "
        "the web page: HTML inside a drawing cannot be checked; draw it in SVG"),
    ]
    report = check([project / "m.md"], BuildOptions())
    assert [str(p) for p in report.problems] == expected
    assert [p.removeprefix(f"{project}/") for p in built[1]] == expected


def test_tiff_and_bmp_become_png_in_the_epub_which_epubcheck_accepts(built):
    out, _ = built
    book = out / "m.clinician.epub"
    opf = epub_opf(book)
    images = sorted((i.get("href"), i.get("media-type")) for i in opf.iter("{*}item")
                    if i.get("media-type", "").startswith("image/"))
    assert [media for _, media in images] == ["image/png", "image/png", "image/png",
                                              "image/svg+xml"]
    colours = {}
    with zipfile.ZipFile(book) as z:
        for href, media in images:
            if media == "image/png":
                with Image.open(io.BytesIO(z.read(f"EPUB/{href}"))) as image:
                    assert image.format == "PNG" and image.size == (60, 40)
                    colours[href] = image.convert("RGB").getpixel((30, 20))
    assert sorted(colours.values()) == [(0, 0, 255), (0, 128, 0), (255, 0, 0)]
    sources = sorted(img.get("src") for root in epub_documents(book).values()
                     for img in root.iter(f"{XHTML}img"))
    assert sources == sorted(f"../{href}" for href, _ in images)
    assert epubcheck([book])[book] == []


def _clean(svg: bytes) -> None:
    root = etree.fromstring(svg)
    names = [etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)]
    assert names == ["svg", "rect", "a", "circle"]
    attributes = [k for e in root.iter() for k in e.attrib]
    assert not any(k.startswith("on") or "href" in k for k in attributes)


def test_the_svg_file_loses_its_scripts_in_the_epub(built):
    out, _ = built
    book = out / "m.clinician.epub"
    with zipfile.ZipFile(book) as z:
        svg = next(n for n in z.namelist() if n.endswith(".svg"))
        _clean(z.read(svg))
    opf = epub_opf(book)
    assert not any("scripted" in (i.get("properties") or "") for i in opf.iter("{*}item"))


def test_the_web_page_serves_png_and_a_clean_svg(built):
    out, _ = built
    page = lxml_html.parse(str(out / "m.clinician.html")).getroot()
    sources = [img.get("src") for img in page.iter("img")]
    assert [Path(s).suffix for s in sources] == [".png", ".png", ".png", ".svg"]
    for source in sources[:3]:
        with Image.open(out / source) as image:
            assert image.format == "PNG" and image.size == (60, 40)
    _clean((out / sources[3]).read_bytes())
    assert sorted(p.name for p in (out / "assets" / "images").iterdir()) == sorted(
        Path(s).name for s in sources)


def test_the_pdf_draws_every_image(built):
    from pypdf import PdfReader

    out, _ = built
    reader = PdfReader(out / "m.clinician.pdf")
    drawn = [image.image.size for page in reader.pages for image in page.images]
    assert sorted(drawn) == [(60, 40)] * 3


def test_conversion_is_deterministic(project):
    from pipeline.images import for_screen

    data = (project / "img" / "scan.tif").read_bytes()
    first, kind = for_screen(data)
    assert kind == "PNG" and first == for_screen(data)[0]
    assert for_screen(_image("PNG")) == (_image("PNG"), "PNG")


# ------------------------------------------------------------ unusable images

@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(work: Path, name: str, data: bytes) -> list[str]:
    (work / name).write_bytes(data)
    (work / "m.md").write_text(FRONT + f"Text.\n\n![A figure]({name})\n", encoding="utf-8")
    return [str(p) for p in check([work / "m.md"], BuildOptions()).problems]


def test_a_truncated_png_is_damaged(work):
    data = _image("PNG", (200, 100))
    assert _check(work, "half.png", data[: len(data) // 2]) == [
        "m.md:10: image 'half.png' is damaged (the file ends early): copy or export it again"]


def test_a_truncated_jpeg_is_damaged(work):
    data = _image("JPEG", (200, 100))
    assert _check(work, "half.jpg", data[: len(data) // 2]) == [
        "m.md:10: image 'half.jpg' is damaged (the file ends early): copy or export it again"]


def test_a_png_with_a_broken_checksum_is_damaged(work):
    data = bytearray(_image("PNG", (20, 10)))
    data[data.index(b"IDAT") + 6] ^= 0xFF  # inside the pixel data: its CRC no longer matches
    assert _check(work, "crc.png", bytes(data)) == [
        "m.md:10: image 'crc.png' is damaged (its data does not match its checksum): copy or export it again"]


def test_a_file_with_an_image_signature_and_nothing_else_is_damaged(work):
    assert _check(work, "sig.png", b"\x89PNG\r\n\x1a\n") == [
        ("m.md:10: image 'sig.png' is damaged (its header cannot be read): copy or export it "
        "again")]


def test_a_png_whose_metadata_holds_megabytes_of_text_says_so(work):
    data = _image("PNG", (4, 4))
    text = b"Comment\x00\x00" + zlib.compress(b"a" * (2 * 1024 * 1024))  # 2 MB unpacked
    chunk = (struct.pack(">I", len(text)) + b"zTXt" + text
             + struct.pack(">I", zlib.crc32(b"zTXt" + text) & 0xFFFFFFFF))
    assert _check(work, "notes.png", data[:33] + chunk + data[33:]) == [
        ("m.md:10: image 'notes.png' carries more text in its metadata (PNG text chunks) than "
         "an image may (1 MB a chunk, 64 MB in all): save it again without its metadata, or "
         "export it as a new PNG")]


def test_images_are_checked_alike_once_weasyprint_has_loosened_pillow(work, monkeypatch):
    """WeasyPrint sets LOAD_TRUNCATED_IMAGES on import: the check must not depend on it."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = _image("PNG", (200, 100))
    assert _check(work, "cut.png", data[: len(data) // 2]) == [
        "m.md:10: image 'cut.png' is damaged (the file ends early): copy or export it again"]
    text = b"Comment\x00\x00" + zlib.compress(b"a" * (2 * 1024 * 1024))
    chunk = (struct.pack(">I", len(text)) + b"zTXt" + text
             + struct.pack(">I", zlib.crc32(b"zTXt" + text) & 0xFFFFFFFF))
    small = _image("PNG", (4, 4))
    assert [p.split(" carries ")[0] for p in _check(work, "n.png", small[:33] + chunk
                                                    + small[33:])] == ["m.md:10: image 'n.png'"]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as the library set it


@pytest.mark.parametrize(("name", "message"), [
    ("empty.png", "m.md:10: image 'empty.png' is empty (0 bytes): copy or export it again"),
    ("empty.svg", "empty.svg:1: SVG image is empty (0 bytes): copy or export it again"),
])
def test_an_empty_image_file_says_it_is_empty(work, name, message):
    assert _check(work, name, b"") == [message]

def test_a_file_that_is_no_image(work):
    assert _check(work, "notes.png", b"just some text\n") == [
        ("m.md:10: image 'notes.png' is not an image file the handout can show (PNG, JPEG, GIF, "
        "WebP, TIFF, BMP or SVG)")]


def test_a_huge_image_is_refused_from_its_header(work, recwarn):
    assert _check(work, "huge.png", _png_header(12000, 9000)) == [
        ("m.md:10: image 'huge.png' is 12000×9000 pixels (108 megapixels), more than the 50 a "
        "handout may have: scale it down")]
    assert _check(work, "huger.png", _png_header(20000, 10000)) == [
        ("m.md:10: image 'huger.png' has more pixels (200 megapixels) than the 50 megapixels a "
        "handout may have: scale it down")]
    assert [str(w.message) for w in recwarn] == []


def test_a_huge_image_gives_no_raw_warning_on_the_command_line(work):
    (work / "huge.png").write_bytes(_png_header(12000, 9000))
    (work / "m.md").write_text(FRONT + "![A figure](huge.png)\n", encoding="utf-8")
    for command in ("check", "build"):
        result = subprocess.run([sys.executable, "-m", "pipeline", command, "-q", "m.md"], cwd=work,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 1
        assert result.stderr.splitlines()[-1] == (
            "m.md:8: image 'huge.png' is 12000×9000 pixels (108 megapixels), more than the 50 "
            "a handout may have: scale it down")
        assert "Warning" not in result.stderr and "Traceback" not in result.stderr


def test_a_raw_img_is_checked_too(work):
    data = _image("PNG", (200, 100))
    (work / "half.png").write_bytes(data[:100])
    (work / "m.md").write_text(FRONT + 'Text.\n\n<img src="half.png" alt="A figure">\n',
                               encoding="utf-8")
    assert [str(p) for p in check([work / "m.md"], BuildOptions()).problems] == [
        "m.md:10: image 'half.png' is damaged (the file ends early): copy or export it again"]


def test_an_image_written_into_the_text_is_held_to_the_rules_of_a_file(work):
    """A data: address is no way around the checks: a drawing could load files or run
    scripts, a photograph could hold a billion pixels or be cut short."""
    def address(media: str, data: bytes) -> str:
        return f"data:{media};base64,{base64.b64encode(data).decode()}"

    huge, cut = address("image/png", _png_header(12000, 9000)), address("image/png", b"\x89PNG")
    drawing = address("image/svg+xml", SCRIPTED_SVG.encode())
    kept = address("image/png", _image("PNG", (4, 4)))
    (work / "m.md").write_text(
        FRONT + f"![A chart]({huge})\n\n![A dot]({cut})\n\n![A plate]({drawing})\n\n"
        f'Raw <img src="{cut}" alt="A dot"> and <img src="{kept}" alt="A square">.\n\n'
        f"![A square]({kept})\n", encoding="utf-8")
    assert [str(p) for p in check([work / "m.md"], BuildOptions()).problems] == [
        (f"m.md:8: image '{huge[:40]}...' is 12000\u00d79000 pixels (108 megapixels), more "
         "than the 50 a handout may have: scale it down"),
        (f"m.md:10: image '{cut}' is damaged (its header cannot be read): copy or export it "
         "again"),
        (f"m.md:12: image '{drawing[:40]}...' is a drawing (SVG) written into the text as a "
         "data: address, which is not allowed: save it as a .svg file beside the manuscript "
         "and show that file"),
        (f"m.md:14: image '{cut}' is damaged (its header cannot be read): copy or export it "
         "again")]


def test_an_svg_is_cleaned_whatever_its_first_bytes():
    from pipeline.images import for_screen

    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script><rect onclick="y"/></svg>'
    clean = b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    for data, hint in ((b"\xef\xbb\xbf" + svg, False), (b"\n\n" + svg, False), (svg, True)):
        cleaned, kind = for_screen(data, svg=hint)
        assert kind == "SVG" and cleaned.endswith(clean)
    assert for_screen(clean) == (clean, "SVG")  # nothing to remove: the same bytes


# ------------------------------------------------------------ drawings that show other files

LINKING_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="120" height="60">
  <rect width="120" height="60" fill="#eee"/>
  <image xlink:href="photo.jpg" width="50" height="40"/>
  <image href="parts/badge.svg" x="60" width="50" height="40"/>
</svg>
"""
BADGE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="50" height="40">
  <image href="../dot.png" width="50" height="40"/>
</svg>
"""


def _inside(svg: bytes) -> dict[str, bytes]:
    """The data: addresses an SVG holds, by media type, decoded."""
    import base64

    found = {}
    for element in etree.fromstring(svg).iter("{http://www.w3.org/2000/svg}image"):
        href = element.get("href") or element.get("{http://www.w3.org/1999/xlink}href")
        media, _, data = href.removeprefix("data:").partition(";base64,")
        assert media, f"{href!r} is not written into the drawing"
        found[media] = base64.b64decode(data)
    return found


@pytest.fixture(scope="module")
def linking(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("linking")
    (folder / "fig").mkdir()
    (folder / "fig" / "parts").mkdir()
    (folder / "fig" / "photo.jpg").write_bytes(_image("JPEG", (50, 40), "blue"))
    (folder / "fig" / "dot.png").write_bytes(_image("PNG", (50, 40), "red"))
    (folder / "fig" / "plate.svg").write_text(LINKING_SVG, encoding="utf-8")
    (folder / "fig" / "parts" / "badge.svg").write_text(BADGE_SVG, encoding="utf-8")
    (folder / "m.md").write_text(FRONT + "![A photograph and a badge](fig/plate.svg)\n",
                                 encoding="utf-8")
    report = build([folder / "m.md"], BuildOptions(out=folder / "dist", cache_dir=folder / "c",
                                                        jobs=1))
    assert report.ok and report.built == 3, [str(p) for p in report.problems]
    return folder


def test_a_drawing_takes_the_files_it_shows_into_the_epub_and_the_web_page(linking):
    book = linking / "dist" / "m.clinician.epub"
    with zipfile.ZipFile(book) as z:
        svgs = [z.read(n) for n in z.namelist() if n.endswith(".svg")]
    page = lxml_html.parse(str(linking / "dist" / "m.clinician.html")).getroot()
    served, = [(linking / "dist" / img.get("src")).read_bytes() for img in page.iter("img")]
    for svg in (*svgs, served):
        inside = _inside(svg)
        assert sorted(inside) == ["image/jpeg", "image/svg+xml"]
        with Image.open(io.BytesIO(inside["image/jpeg"])) as photo:
            assert photo.format == "JPEG" and photo.size == (50, 40)
        with Image.open(io.BytesIO(_inside(inside["image/svg+xml"])["image/png"])) as dot:
            assert dot.convert("RGB").getpixel((5, 5)) == (255, 0, 0)
    assert len(svgs) == 1 and epubcheck([book])[book] == []


def test_the_pdf_draws_what_the_drawing_shows(linking):
    from pypdf import PdfReader

    reader = PdfReader(linking / "dist" / "m.clinician.pdf")
    assert sorted(i.image.size for p in reader.pages for i in p.images) == [(50, 40)] * 2


def test_a_file_a_drawing_shows_is_an_input_of_the_build(linking):
    (linking / "fig" / "dot.png").write_bytes(_image("PNG", (50, 40), "green"))
    report = build([linking / "m.md"], BuildOptions(out=linking / "dist",
                                                    cache_dir=linking / "c", jobs=1))
    assert report.ok and (report.built, report.reused) == (3, 0)
    with zipfile.ZipFile(linking / "dist" / "m.clinician.epub") as z:
        svg, = [z.read(n) for n in z.namelist() if n.endswith(".svg")]
    inner = _inside(_inside(svg)["image/svg+xml"])["image/png"]
    with Image.open(io.BytesIO(inner)) as dot:
        assert dot.convert("RGB").getpixel((5, 5)) == (0, 128, 0)


def test_a_file_a_drawing_shows_that_is_missing_is_an_error_at_its_line(work):
    (work / "plate.svg").write_text(LINKING_SVG, encoding="utf-8")
    (work / "photo.jpg").write_bytes(_image("JPEG"))
    (work / "m.md").write_text(FRONT + "Text.\n\n![A plate](plate.svg)\n", encoding="utf-8")
    assert [str(p) for p in check([work / "m.md"], BuildOptions()).problems] == [
        ("plate.svg:5: SVG image loads 'parts/badge.svg', which is not found: the drawing "
         "would be printed without it")]


def test_an_alt_text_that_is_the_files_type_or_name_is_a_warning_at_its_line(work):
    """nbconvert writes every picture of a notebook as ![png](...): no description."""
    (work / "output_5_0.png").write_bytes(_image("PNG"))
    dot = base64.b64encode(PNG_1PX).decode()
    (work / "m.md").write_text(
        FRONT + f"![png](data:image/png;base64,{dot})\n\n![output_5_0.png](output_5_0.png)"
        "\n\n![Output of the model](output_5_0.png)\n", encoding="utf-8")
    problems = [str(p) for p in check([work / "m.md"], BuildOptions()).problems
                if p.code == "no-alt"]
    line = FRONT.count("\n") + 1
    assert problems == [
        (f"m.md:{line}: warning: image 'data:image/png;base64,{dot[:18]}...' has the alt text "
         "'png', its file's type or name (as a notebook exported by nbconvert has it), which "
         "says nothing of the picture: write ![what the image shows](...)"),
        (f"m.md:{line + 2}: warning: image 'output_5_0.png' has the alt text 'output_5_0.png', "
         "its file's type or name (as a notebook exported by nbconvert has it), which says "
         "nothing of the picture: write ![what the image shows](...)")]


def test_an_image_file_of_many_megabytes_is_a_warning(work):
    noise = Image.frombytes("RGB", (1400, 1400), (bytes(range(256)) * 22969)[:5_880_000])
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    assert len(out.getvalue()) > 5 * 1024 * 1024
    assert _check(work, "big.png", out.getvalue()) == [
        ("m.md:10: warning: image 'big.png' is 5.6 MB, and every PDF and EPUB that shows it "
        "carries it whole: save a smaller copy (a photograph as JPEG about 2,000 pixels wide is "
        "well under 1 MB)")]
    assert _check(work, "small.png", _image("PNG", (1400, 1400))) == []
