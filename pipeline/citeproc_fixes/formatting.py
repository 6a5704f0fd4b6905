"""Quotes, ``normal`` decorations, italics and text values as CSL's formatting rules want them."""

from __future__ import annotations

import re
from typing import Any

from ..citeproc_marks import (
    CLOSE,
    OPEN,
    QUOTE_CLOSE,
    QUOTE_STYLE,
    STYLE_ROMAN,
    STYLE_VARIANT_NORMAL,
    STYLE_WEIGHT_NORMAL,
)
from .registry import patch


@patch
def quotes_resolved_after_rendering() -> None:
    """``quotes="true"`` marks the quotation; its marks are chosen when the output is done.

    citeproc-py writes the locale's outer quotes at once, so quotes in the
    data inside them stayed straight or doubled ('“My "Amazing" Title”' for
    '“My ‘Amazing’ Title”'), and a period or comma after the closing quote
    stayed outside where the locale wants it inside ('“Book A”,').  A mark
    stands for the quotes until ``pipeline.citeproc_output`` resolves their
    nesting and moves punctuation.  Fixtures: quotes_*, magic_PunctuationInQuote*,
    punctuation_OnMacro, locale_*StyleOpt, flipflop_*Quote*, decorations_NestedQuotes*.
    """
    from citeproc import model

    def quote(self: Any, string: Any) -> Any:
        if self.get("quotes", "false").lower() == "true":
            return QUOTE_STYLE + string + QUOTE_CLOSE
        return string

    model.Quoted.quote = quote


@patch
def explicit_normal_decorations() -> None:
    """``font-style="normal"`` (and weight, variant, ``vertical-align="baseline"``) is printed.

    citeproc-py ignores a decoration set to ``normal``, so a title set upright
    inside an italic group stayed italic.  It now makes the text upright where
    the text around it is italic (and nothing elsewhere), as citeproc-js does.
    A year suffix is left plain: collapsing (``2000a,b``) reads it.
    Fixtures: decorations_NoNormalWithoutDecoration, decorations_Baseline.
    """
    from citeproc import model

    def wrapper(name: str, mark: str, original: Any) -> Any:
        def decorate(self: Any, text: Any) -> Any:
            if self.get(name) == ("baseline" if name == "vertical-align" else "normal") \
                    and str(text) and self.get("variable") != "year-suffix":
                return mark + text + CLOSE
            return original(self, text)
        return decorate

    formatted = model.Formatted
    formatted.font_style = wrapper("font-style", STYLE_ROMAN, formatted.font_style)
    formatted.font_weight = wrapper("font-weight", STYLE_WEIGHT_NORMAL, formatted.font_weight)
    formatted.font_variant = wrapper("font-variant", STYLE_VARIANT_NORMAL,
                                     formatted.font_variant)
    formatted.vertical_align = wrapper("vertical-align", OPEN["baseline"],
                                       formatted.vertical_align)


@patch
def text_values_as_rich_text() -> None:
    """A ``<text value>`` may hold quotes and markup, read as in the data.

    citeproc-py prints the value as written; citeproc-js reads its quotes and
    tags as it reads a title's ('Speak, “friend,” and enter.').
    Fixtures: flipflop_QuotesInFieldNotOnNode.
    """
    from citeproc import model
    from citeproc.string import String

    from ..citeproc_input import rich_text_marks

    original = model.Text.process

    def process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        text, language = original(self, item, context, **kwargs)
        if "value" in self.attrib and text is not None:
            text = String(rich_text_marks(str(text)))
        return text, language

    model.Text.process = process


# citeproc-js's ROMANESQUE_REGEXP: the letters and digits of scripts that have italics
_ROMANESQUE = re.compile("[-0-9a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f"
                         "\u0590-\u05d4\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c\u200d"
                         "\u200e\u0218-\u021b\u202a-\u202e]")


@patch
def no_italics_without_latin_letters() -> None:
    """A text, term, label or number with no letter of a script that has italics is upright.

    citeproc-js drops ``font-style`` from such a piece of text: Chinese and
    Japanese have no italics, so a style's ``<et-al font-style="italic"/>``
    prints '等' and 'ほか' upright in zh-CN and ja-JP ('Okonkwo等, 2019').
    Groups, names and dates keep their style, as in citeproc-js.
    """
    from citeproc import model

    formatted = model.Formatted

    def font_style(self: Any, text: Any) -> Any:
        if self.get("font-style") in ("italic", "oblique") and not _ROMANESQUE.search(str(text)):
            return text
        return formatted.font_style(self, text)

    for cls in (model.Text, model.Et_Al, model.Label, model.Number):
        cls.font_style = font_style


@patch
def strip_periods_of_a_number() -> None:
    """``strip-periods="true"`` on a citation number leaves the number as it is.

    citeproc-py strips periods from the value with ``str.replace``, which a
    citation number (an ``int``) does not have: revista-da-sociedade-brasileira-
    de-medicina-tropical's ``<text variable="citation-number" strip-periods="true"/>``
    stopped every build with an AttributeError.
    """
    from citeproc import model

    def strip_periods(self: Any, string: Any) -> Any:
        if self.get("strip-periods", "false").lower() == "true" and not isinstance(string, int):
            return string.replace(".", "")
        return string

    model.StrippedPeriods.strip_periods = strip_periods
