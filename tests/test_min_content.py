"""A table laid out to break words anywhere is measured as WeasyPrint measures it, in less time.

:mod:`pipeline.formats.min_content` splits a text at width 0 on its opening
characters, and remembers splits by them; every split it gives must be the
one WeasyPrint gives for the whole text, and Pango must lay out far fewer
characters than WeasyPrint alone does.
"""

from __future__ import annotations

import pytest

from pipeline.formats import min_content, pdf

WORDS = ("Give the dose with food; check the level after 3 days (twice). Ελάχιστη δόση, "
         "начальная доза — naïve café, e\u0301tude, 25\u00a0mg/kg, x\u00adray, «tres» días")
ADDRESS = "https://example.org/" + "abcdefghij" * 12 + "/" + "ñ" * 20 + ".pdf"


def table(rows: int) -> str:
    cells = "".join(f"<tr><td>Drug {i}</td><td>{WORDS}</td><td>{WORDS[::-1]}</td>"
                    f"<td>{ADDRESS if i % 3 == 0 else 'see  also   here'}</td></tr>"
                    for i in range(rows))
    return ("<html lang='en'><style>td { overflow-wrap: anywhere; font-size: 8pt }"
            " .all td { word-break: break-all; overflow-wrap: normal }</style><body>"
            f"<table>{cells}</table><table class='all'>{cells}</table></body></html>")


@pytest.fixture(scope="module")
def weasyprint():
    pdf._install()
    from weasyprint import HTML
    from weasyprint.layout import preferred
    from weasyprint.text import line_break

    return HTML, preferred, line_break


def test_every_split_is_the_one_weasyprint_makes_of_the_whole_text(weasyprint, monkeypatch):
    html, preferred, _ = weasyprint
    fast = preferred.split_first_line
    original = fast.original
    compared = []

    def both(text, style, context, max_width, spacing, is_line_start=True, minimum=False):
        mine = fast(text, style, context, max_width, spacing, is_line_start, minimum)
        theirs = original(text, style, context, max_width, spacing, is_line_start, minimum)
        assert mine[1:4] == theirs[1:4], text[:40]
        compared.append(max_width == 0)
        return theirs

    monkeypatch.setattr(preferred, "split_first_line", both)
    for _ in range(2):  # the second time from the remembered splits
        html(string=table(2)).render()
    assert sum(compared) > 1000


def test_pango_lays_out_a_fraction_of_the_characters(weasyprint, monkeypatch):
    html, preferred, line_break = weasyprint
    laid: list[int] = []
    set_text = line_break.Layout.set_text

    def counted(self, text, *args, **kwargs):
        laid.append(len(text))
        return set_text(self, text, *args, **kwargs)

    monkeypatch.setattr(line_break.Layout, "set_text", counted)
    monkeypatch.setattr(min_content, "_SPLITS", {})  # nothing remembered yet
    source = table(3)
    html(string=source).render()
    patched = sum(laid)
    laid.clear()
    monkeypatch.setattr(preferred, "split_first_line", preferred.split_first_line.original)
    html(string=source).render()
    assert patched * 5 < sum(laid)  # 7 times fewer here, more as cells grow
