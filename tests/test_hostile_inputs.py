"""More hostile inputs: a cache that cannot keep renders, styles and references that
are not what they claim, unsafe images and HTML.

Driven through the command line as a user meets them; the exact message is asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import KNEE_MANUSCRIPT as GOOD
from helpers import knee_project
from helpers import run_cli as run

BIB = "@article{doe-2020, author={Doe, Jane}, title={A trial}, journal={J}, year={2020}}\n"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return knee_project(tmp_path, monkeypatch, GOOD, BIB)


def test_a_cache_that_cannot_keep_renders_says_so_once_and_the_build_succeeds(work):
    cache = work / "cache"
    cache.mkdir()
    for i in range(256):  # where every entry's folder belongs, a file: no entry can be kept
        (cache / f"{i:02x}").write_bytes(b"")
    status, _out, err = run("build", "--format", "html", "--format", "epub", "--jobs", "1")
    assert status == 0
    assert [line for line in err.splitlines() if "render cache" in line] == [
        ("cache: warning: the render cache could not keep 2 render(s): File exists; the outputs "
        "are whole, later builds render them again (free space, set HANDOUT_CACHE_DIR to "
        "another folder or use --no-cache)")]
    assert (work / "dist" / "knee.clinician.html").is_file()
    assert (work / "dist" / "knee.clinician.epub").is_file()


def test_formats_are_given_repeated_or_comma_separated_as_the_tasks_pass_them(work):
    status, _out, err = run("build", "-f", "html,epub", "-f", "html", "-o", "out", "-j", "1")
    assert status == 0, err
    assert sorted(p.name for p in (work / "out").glob("knee.*")) == [
        "knee.clinician.epub", "knee.clinician.html"]


@pytest.mark.parametrize(("make", "message"), [
    (lambda m: (m / "house.csl").mkdir(),
     "CSL file 'house.csl' is a folder, not a .csl file (manuscripts/house.csl)"),
    (lambda m: (m / "house.csl").symlink_to("moved.csl"),
     ("CSL file 'house.csl' is a link to moved.csl, which does not exist "
     "(manuscripts/house.csl)")),
    (lambda m: None, "CSL file 'house.csl' not found (looked for manuscripts/house.csl)"),
])
def test_a_csl_path_that_is_not_a_file_says_what_it_is(work, make, message):
    make(work / "manuscripts")
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD.replace("bibliography:", "csl: house.csl\nbibliography:"),
                    encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, f"manuscripts/knee.md:6: {message}\n")


REFERENCES = """
See [the trial][trail], [Trial][] and ![a knee][knee-photo].
Not these: [ok][def], [DEF][], `[in][code]`, \\[escaped\\]\\[too\\], [1][2], [x] [y],
[@doe-2020][@doe-2020], [[Wiki]] and [a span]{.note} with a note.[^1]

- [ ] a task
- [x] a done task [with][nothing]

| cell |
|------|
| [in a][table] |

```
[in a][fence]
```

[def]: https://example.org

[^1]: A note [inside][note].
"""


def test_a_reference_link_nothing_defines_is_a_warning_at_its_line(work):
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD + REFERENCES, encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert status == 0
    said = [line for line in err.splitlines() if "defines its label" in line]
    assert said == [
        ("manuscripts/knee.md:11: warning: '[the trial][trail]' is a reference link, but no "
        "line '[trail]: address' defines its label: it is shown as text, brackets and all; add "
        "that line, or write [the trial](its address)"),
        ("manuscripts/knee.md:11: warning: '[Trial][]' is a reference link, but no line "
        "'[Trial]: address' defines its label: it is shown as text, brackets and all; add that "
        "line, or write [Trial](its address)"),
        ("manuscripts/knee.md:11: warning: '![a knee][knee-photo]' is a reference image, but no "
        "line '[knee-photo]: address' defines its label: it is shown as text, brackets and "
        "all; add that line, or write ![a knee](its address)"),
        ("manuscripts/knee.md:16: warning: '[with][nothing]' is a reference link, but no line "
        "'[nothing]: address' defines its label: it is shown as text, brackets and all; add "
        "that line, or write [with](its address)"),
        ("manuscripts/knee.md:20: warning: '[in a][table]' is a reference link, but no line "
        "'[table]: address' defines its label: it is shown as text, brackets and all; add "
        "that line, or write [in a](its address)"),
        ("manuscripts/knee.md:28: warning: '[inside][note]' is a reference link, but no line "
        "'[note]: address' defines its label: it is shown as text, brackets and all; add that "
        "line, or write [inside](its address)"),
    ]


def test_a_key_ending_in_punctuation_is_shown_how_to_cite_it(work):
    (work / "bibliography" / "refs.bib").write_text(
        BIB + "@article{a.b., author={Dots, Ann}, title={Dots}, journal={J}, year={2022}}\n",
        encoding="utf-8")
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD + "As shown [@a.b.].\n", encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, (
        "manuscripts/knee.md:10: citation '@a.b' has no entry in the bibliography; the entry "
        "'a.b.' ends in punctuation, which pandoc reads as the sentence's: write it in braces, "
        "@{a.b.}\n"))
    knee.write_text(GOOD + "As shown [@{a.b.}].\n", encoding="utf-8")
    assert run("check", "-q")[0] == 0


def test_a_script_link_is_plain_text_in_every_format(work):
    import zipfile

    import pikepdf

    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD + "[Click](javascript:alert(1)), [this](JaVaScRiPt:alert(2)) and "
                    "<javascript:void(3)>; [a trial](https://example.org/trial) stays.\n",
                    encoding="utf-8")
    status, _out, err = run("build", "--jobs", "1")
    assert status == 0, err
    assert [line for line in err.splitlines() if "is a script" in line] == [
        f"manuscripts/knee.md:10: warning: link '{target}' is a script, which never goes into "
        f"a handout: it is plain text in every format"
        for target in ("javascript:alert(1)", "JaVaScRiPt:alert(2)", "javascript:void(3)")]
    page = (work / "dist" / "knee.clinician.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(work / "dist" / "knee.clinician.epub") as epub:
        book = "".join(epub.read(n).decode("utf-8") for n in epub.namelist()
                       if n.endswith(".xhtml"))
    for text in (page, book):
        assert not re.search(r'(?:href|src)="\s*(?:java|vb)script:', text, re.IGNORECASE)
        assert "Click" in text and 'href="https://example.org/trial"' in text
    with pikepdf.open(work / "dist" / "knee.clinician.pdf") as pdf:
        targets = [str(a.A.URI) for p in pdf.pages for a in p.get("/Annots", [])
                   if "/A" in a and "/URI" in a.A]
    assert targets == ["https://example.org/trial"]


XXE = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY word "knee">]>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><title>A knee</title>
<text x="1" y="20">&secret;&word; joint</text></svg>
"""


def test_an_svg_entity_naming_a_file_is_left_out_and_no_doctype_leaves(work):
    import zipfile

    (work / "manuscripts" / "knee.svg").write_text(XXE, encoding="utf-8")
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD + "![A knee](knee.svg)\n", encoding="utf-8")
    status, _out, err = run("build", "--format", "html", "--format", "epub", "--jobs", "1")
    assert status == 0, err
    assert [line for line in err.splitlines() if "entity" in line] == [
        ("manuscripts/knee.svg:4: warning: the entity '&secret;' is left out of the image: it "
        "names a file or holds markup, and a drawing may not load another file or hide markup; "
        "write its text in the drawing")]
    with zipfile.ZipFile(work / "dist" / "knee.clinician.epub") as epub:
        drawings = [epub.read(n) for n in epub.namelist() if n.endswith(".svg")]
    drawings += [p.read_bytes() for p in (work / "dist" / "assets").rglob("*.svg")]
    assert len(drawings) == 2
    for data in drawings:
        assert b"DOCTYPE" not in data and b"ENTITY" not in data and b"&secret;" not in data
        assert b"root:" not in data
        assert b">knee joint</text>" in data


def test_an_svg_whose_entities_stand_for_too_much_text_is_refused_at_their_line(work):
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "ha"}">\n' for i in range(9))
    (work / "manuscripts" / "laugh.svg").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE svg [\n{laughs}]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>&l8;</text></svg>\n',
        encoding="utf-8")
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD + "![A laugh](laugh.svg)\n", encoding="utf-8")
    assert run("check", "-q")[::2] == (1, (
        "manuscripts/laugh.svg:3: SVG image refused: its entities (&name;) stand for more text "
        "than a drawing may hold; write the text in the drawing\n"))

def test_an_svg_whose_uses_repeat_into_millions_of_shapes_is_refused_at_their_line(work):
    """Groups of ten <use>s of the group before: WeasyPrint would draw every copy (minutes of
    CPU for nine levels); a sprite sheet used many times is a drawing like any other."""
    levels = "".join(f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>\n"
                     for i in range(1, 7))
    (work / "manuscripts" / "copies.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">\n<title>Copies</title>\n'
        f'<defs>\n<rect id="l0" width="1" height="1"/>\n{levels}</defs>\n<use href="#l6"/>\n'
        "</svg>\n", encoding="utf-8")
    sprites = "".join(f'<symbol id="s{i}"><use href="#dot"/></symbol>' for i in range(500))
    (work / "manuscripts" / "sprites.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><title>Dots</title>'
        f'<defs><circle id="dot" r="1"/>{sprites}</defs>'
        + "".join(f'<use href="#s{i % 500}"/>' for i in range(5000)) + "</svg>\n",
        encoding="utf-8")
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD + "![Copies](copies.svg)\n\n![Dots](sprites.svg)\n", encoding="utf-8")
    assert run("check", "-q")[::2] == (1, (
        "manuscripts/copies.svg:9: SVG image refused: its <use> elements repeat parts of it "
        "into more than 200,000 shapes to draw (copies of copies); draw fewer copies, or export "
        "the drawing again flattened\n"))


@pytest.mark.parametrize(("value", "message"), [
    ("[clinician, patient, clinician]", "audience 'clinician' is listed twice"),
    ("[[clinician]]", "an audience must be a name such as clinician, found a list (['clinician'])"),
    ("[null]", "an audience must be a name such as clinician, found nothing (null)"),
    ("[5]", "an audience must be a name such as clinician, found a number (5)"),
    ("[]", "'audiences' must be a non-empty list such as [clinician, patient], found []"),
])
def test_an_odd_audiences_list_says_what_is_wrong(work, value, message):
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD.replace("bibliography:", f"audiences: {value}\nbibliography:"),
                    encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, f"manuscripts/knee.md:6: {message}\n")


def test_a_photograph_an_svg_shows_is_held_to_the_pixel_limit(work):
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    # a header of 60,000 x 60,000 pixels: what a decompression bomb says it holds
    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 0, 0, 0, 0)
    (work / "manuscripts" / "bomb.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b""))
    (work / "manuscripts" / "plate.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><title>A plate</title>\n'
        '<image href="bomb.png" width="9" height="9"/></svg>\n', encoding="utf-8")
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD + "![A plate](plate.svg)\n", encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert (status, err) == (1, (
        "manuscripts/plate.svg:2: SVG image loads 'bomb.png', which has more pixels (3600 "
        "megapixels) than the 50 megapixels a handout may have: scale it down\n"))


def test_a_script_inside_a_drawing_is_reported_at_its_own_line(work):
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD + "\n<script>alert(1)</script>\n\nText.\n\n"
                    "<svg><title>A dot</title><script>alert(2)</script></svg>\n",
                    encoding="utf-8")
    status, _out, err = run("check", "-q")
    assert status == 0
    assert [line for line in err.splitlines() if "<script>" in line] == [
        ("manuscripts/knee.md:11: warning: raw HTML <script> is left out: scripts and embedded "
        "content never go into a handout"),
        ("manuscripts/knee.md:15: warning: raw HTML <script> is left out: scripts never go into "
        "a handout")]


def test_a_nul_in_a_path_is_refused_at_its_line_and_never_printed_raw(work):
    """``%00`` in an address once ended the check with a traceback (embedded null byte)."""
    knee = work / "manuscripts" / "knee.md"
    knee.write_text(GOOD.replace("bibliography:", 'csl: "a\\0.csl"\nbibliography:')
                    + "\n![A knee](%00.png)\n\n<img src=\"x%00.png\" alt=\"A knee\">\n",
                    encoding="utf-8")
    status, out, err = run("check", "-q")
    assert (status, out, err.splitlines()) == (1, "", [
        ("manuscripts/knee.md:6: CSL file 'a\\x00.csl' not found (looked for "
         "manuscripts/a\\x00.csl)"),
        ("manuscripts/knee.md:12: image '%00.png' refused: the path holds a NUL character "
         "(%00), which no file name may"),
        ("manuscripts/knee.md:14: <img src> 'x%00.png' refused: the path holds a NUL character "
         "(%00), which no file name may")])
