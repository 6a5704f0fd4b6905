"""The EPUB archive: fonts put in place of pandoc's empty stand-ins, compressed once."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from helpers import ROOT

from pipeline.formats.archive import deflated, stand_ins, write_archive

FONTS = sorted((ROOT / "styles" / "fonts").glob("*.ttf"))[:3]
WHEN = dt.datetime(2025, 10, 9, tzinfo=dt.UTC)


def _files(fonts: dict[str, bytes]) -> dict[str, bytes]:
    return {"mimetype": b"application/epub+zip", "META-INF/container.xml": b"<container/>",
            "EPUB/content.opf": b"<package/>",
            **{f"EPUB/fonts/{name}": data for name, data in fonts.items()}}


def test_stand_ins_give_the_archive_the_real_fonts_give(tmp_path):
    real = write_archive(_files({f.name: f.read_bytes() for f in FONTS}), WHEN)
    made = stand_ins(FONTS, tmp_path / "fonts")
    assert sorted(made) == [f.name for f in FONTS]
    assert all(path.read_bytes() == b"" for path in made.values())
    again = write_archive(_files(dict.fromkeys(made, b"")), WHEN, {f.name: f for f in FONTS})
    assert again == real
    with zipfile.ZipFile(io.BytesIO(again)) as z:
        assert z.testzip() is None
        assert z.namelist()[0] == "mimetype"
        assert z.read(f"EPUB/fonts/{FONTS[0].name}") == FONTS[0].read_bytes()


def test_a_font_is_compressed_once_and_again_when_its_file_changes(tmp_path):
    font = tmp_path / "Some.ttf"
    font.write_bytes(FONTS[0].read_bytes())
    first = deflated(font)
    assert deflated(font) is first
    font.write_bytes(FONTS[1].read_bytes())
    assert deflated(font)[0] == FONTS[1].read_bytes()


def test_two_fonts_of_one_name_are_embedded_as_they_are(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / FONTS[0].name).write_bytes(b"x")
    assert stand_ins([FONTS[0], tmp_path / "a" / FONTS[0].name], tmp_path / "fonts") == {}


def test_an_empty_file_that_is_no_font_stays_empty():
    data = write_archive({**_files({}), "EPUB/text/empty.xhtml": b""}, WHEN, {})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.read("EPUB/text/empty.xhtml") == b""
