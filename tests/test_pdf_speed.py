"""WeasyPrint's PDF writing made faster (pipeline/formats/pydyf_patches.py): same bytes."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pydyf
import pytest

from pipeline.formats import pydyf_patches

ROWS = "".join(f"<tr><td>Dose {i}</td><td>{i * 5} mg</td></tr>" for i in range(60))
PAGE = (
    '<html lang="en-US"><head><title>Speed</title><style>@page { size: A5; '
    '@bottom-center { content: counter(page) } }</style></head><body>'
    '<h1>Written once</h1><p>A paragraph with <a href="#t">a link</a> and <b>bold</b> '
    'text, long enough to be hyphenated and broken over lines. ' * 30 + '</p>'
    '<ul><li>One</li><li>Two</li></ul><table id="t"><thead><tr><th>Drug</th><th>Dose</th>'
    f'</tr></thead><tbody>{ROWS}</tbody></table></body></html>')


@pytest.fixture(scope="module")
def document():
    """A tagged PDF/A-3a of several pages with links, a list, a table and an attachment."""
    from weasyprint import HTML

    assert pydyf_patches.install()
    return HTML(string=PAGE).render(pdf_variant="pdf/a-3a")


def _write(document) -> bytes:
    from weasyprint import Attachment

    when = dt.datetime(2025, 10, 9, tzinfo=dt.UTC)
    source = Attachment(string=b"# Written once\n", name="speed.md", created=when,
                        modified=when, relationship="Source")
    return document.write_pdf(pdf_variant="pdf/a-3a", attachments=[source],
                              pdf_identifier=b"speed-en")


def test_patched_writer_gives_the_bytes_of_the_unpatched_one(document):
    patched = _write(document)
    assert _write(document) == patched  # the objects' remembered bytes are forgotten after
    with pydyf_patches.unpatched():
        assert not hasattr(pydyf.PDF.write, "written_once")
        unpatched = _write(document)
    assert pydyf.PDF.write.written_once
    assert patched == unpatched
    with pikepdf.open(io.BytesIO(patched)) as pdf:
        assert len(pdf.pages) > 1
        assert bytes(pdf.trailer.ID[0]) == b"speed-en"
        assert "/StructTreeRoot" in pdf.Root
        assert list(pdf.attachments) == ["speed.md"]


def test_objects_get_their_own_class_back_after_writing(document):
    from weasyprint.pdf import generate_pdf  # the objects a write_pdf call writes

    pdf = generate_pdf(document, None, 1, **_options())
    classes = [type(obj) for obj in pdf.objects]
    pdf.write(io.BytesIO(), b"1.7", b"speed-en", True)
    assert [type(obj) for obj in pdf.objects[:len(classes)]] == classes
    assert not any("_written" in vars(obj) for obj in pdf.objects)


def test_page_references_follow_added_pages():
    pdf = pydyf.PDF()
    first = pydyf.Dictionary({"Type": "/Page"})
    pdf.add_page(first)
    assert pdf.page_references == (f"{first.number} 0 R".encode(),)
    second = pydyf.Dictionary({"Type": "/Page"})
    pdf.add_page(second)
    assert pdf.page_references == (f"{first.number} 0 R".encode(),
                                   f"{second.number} 0 R".encode())


def test_another_pydyf_release_is_left_as_it_is(monkeypatch):
    monkeypatch.setattr(pydyf, "__version__", "0.14.0")
    pydyf_patches.install.cache_clear()
    try:
        assert pydyf_patches.install() is False
    finally:
        monkeypatch.undo()
        pydyf_patches.install.cache_clear()
        assert pydyf_patches.install() is True


def _options() -> dict:
    from weasyprint import DEFAULT_OPTIONS

    return {**DEFAULT_OPTIONS, "pdf_variant": "pdf/a-3a", "pdf_version": "1.7",
            "pdf_identifier": b"speed-en", "pdf_tags": True}
