"""``text-case``: every case CSL defines, with its rules for title case and protected text."""

from __future__ import annotations

import re
from typing import Any

from ..citeproc_marks import CLOSE, FIELD_NODECOR, FIELD_SMALLCAPS, OPEN, QUOTE_CLOSE
from .registry import patch

# Words title case leaves in lower case inside a title: CSL 1.0.2's stop
# words, as the reference processor (citeproc-js) lists them.
_STOP_WORDS = """
a about above across afore after against al along alongside amid amidst among amongst an and
anenst apropos apud around as aside astride at athwart atop barring before behind below beneath
beside besides between beyond but by c ca circa d' de despite down during et except for
forenenst from given in inside into lest like modulo near next nor notwithstanding of off on onto
or out over per plus pro qua sans since so than the through thru throughout thruout till to
toward towards under underneath until unto up upon v v. van versus via vis-à-vis von vs vs. with
within without yet
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# text whose case is kept: nocase spans, and small caps, superscript and subscript from the data
_PROTECTING = (OPEN["plain"], FIELD_SMALLCAPS, FIELD_NODECOR, OPEN["sup"], OPEN["sub"])
# where words of a title end, besides spaces (citeproc-js's list), and every mark
_SEPARATOR = re.compile("([\ue000-\ue0ff]|[\u2018\u2019\u201c\u201d\"'\\-\u2013\u2014/.,;?!:"
                        "\\[\\]()])")
_SPACE = re.compile(r"([\s\u00a0\u2000-\u200b\u205f\u3000]+)")
_GREEK = re.compile("[\u0370-\u03ff]")
_DOTTED_I = ("tr", "az")


def _capitalise(word: str, dotted: bool = False) -> str:
    """The first character upper-cased (a lone Greek letter, a symbol in science, stays)."""
    if not word or len(word) == 1 and _GREEK.match(word):
        return word
    return ("\u0130" if dotted and word[0] == "i" else word[0].upper()) + word[1:]


def _segments(text: str) -> list[tuple[str, bool]]:
    """(piece, protected) in order: pieces are separators or the words between them."""
    out: list[tuple[str, bool]] = []
    depth = 0  # how many open marks inside a protected span
    for piece in _SEPARATOR.split(text):
        if not piece:
            continue
        protected = depth > 0
        if piece in _PROTECTING or depth and len(piece) == 1 and "\ue000" < piece <= "\ue0ff" \
                and piece != QUOTE_CLOSE:
            depth += 1
        elif piece in (CLOSE, QUOTE_CLOSE) and depth:
            depth -= 1
        out.append((piece, protected))
    return out


def _words(piece: str) -> list[str]:
    return _SPACE.split(piece)


def case_text(text: str, case: str, language: str = "en") -> str:
    """``text`` in a CSL ``text-case`` (title case for English), protected spans kept.

    Turkish and Azerbaijani dot the capital i ('ic' as 'İC', 'içinde' as 'İçinde').
    """
    dotted = language in _DOTTED_I
    if dotted and case == "uppercase":
        case = "uppercase-dotted"
    pieces = _segments(text)
    first, after_punctuation = True, False
    last: tuple[int, int] | None = None  # the last word, which title case always capitalises
    out: list[list[str]] = []
    for index, (piece, protected) in enumerate(pieces):
        words = _words(piece)
        out.append(words)
        if _SEPARATOR.fullmatch(piece):
            if piece in "!?:":
                after_punctuation = True
            continue
        if protected:
            if piece.strip():
                last, first, after_punctuation = None, False, False
            continue
        following = pieces[index + 1][0] if index + 1 < len(pieces) else ""
        elided = index > 0 and pieces[index - 1][0] in "'\u2019"  # "you're", "l'Égypte"
        for j, word in enumerate(words):
            if not word or _SPACE.fullmatch(word):
                continue
            cased = _case_word(word, case, first, after_punctuation,
                               index == 0 and j == len(words) - 1 and following == "-", dotted)
            if elided and j == 0 and case not in ("uppercase", "lowercase"):
                cased = word[0] + cased[1:]  # after an apostrophe a word keeps its first letter
            words[j] = cased
            first = after_punctuation = False
            last = (index, j)
    if case == "title" and last is not None:
        word = out[last[0]][last[1]]
        if len(word) > 1 and word.lower() in STOP_WORDS:
            out[last[0]][last[1]] = _capitalise(word)
    return "".join("".join(words) for words in out)


def _case_word(word: str, case: str, first: bool, after_punctuation: bool,
               before_hyphen: bool, dotted: bool = False) -> str:
    lower = word.lower()
    if case == "lowercase":
        return lower
    if case == "uppercase":
        return word.upper()
    if case == "uppercase-dotted":
        return word.replace("i", "\u0130").upper()
    if case == "sentence":
        return _capitalise(word, dotted) if first else lower
    if case == "capitalize-first":
        return _capitalise(word, dotted) if first and word == lower else word
    if case == "capitalize-all":
        return _capitalise(word, dotted) if word == lower else word
    if case == "title":
        wanted = (len(word) > 1 and lower not in STOP_WORDS or before_hyphen or first
                  or after_punctuation)
        return _capitalise(word) if wanted and word == lower else word
    return word


@patch
def text_case_rules() -> None:
    """Every ``text-case`` as citeproc-js applies it, text in ``nocase`` spans left alone.

    citeproc-py knows 26 stop words (CSL 1.0.2 has about 150, so AMA printed
    'Pain After Spinal Cord Injury'), stops at hyphens, slashes and dashes
    ('Real-time', 'Scientist–practitioner'), never capitalises a stop word
    ending the title, changes the case of ``<span class="nocase">``, small
    caps, superscript and subscript from the data, and skips title case
    wherever it is not told the item's language: labels, so APA printed
    '(eds.)' for '(Eds.)'.  As in citeproc-js, only an item's text (a variable,
    a macro) keeps its case in another language than English (the item's
    ``language``, else the output locale's, not the style's ``default-locale``,
    so a Spanish handout in an English style printed 'Dolor Crónico En
    Adultos'): a term, a label or a value is title-cased in any language.
    Fixtures: textcase_*, flipflop_SingleBeforeColon, bugreports_NoCaseEscape.
    """
    from citeproc import model
    from citeproc.string import String

    original_locales = model.Style.set_locale_list
    original_process = model.Text.process

    def set_locale_list(self: Any, output_locale: str, validate: bool = True) -> None:
        self.output_language = output_locale.split("-")[0]
        original_locales(self, output_locale, validate)

    def process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        # citeproc-py's own process, without the language it works out and this one
        # replaces (an exception for each item without one)
        attrib = self.attrib
        if "variable" in attrib:
            text = self._variable(item, self if context is None else context)
        elif "macro" in attrib:
            text = self.get_macro(attrib["macro"]).render(item, self if context is None
                                                          else context)
        elif "term" in attrib:
            return self._term(item), None  # a term or a value: cased in any language
        elif "value" in attrib:
            return String(self.preformat(attrib["value"])), None
        else:
            return original_process(self, item, context, **kwargs)
        language = item.reference.get("language")
        return text, (str(language)[:2] if language else
                      getattr(self.get_root(), "output_language", "en"))

    def case(self: Any, text: Any, language: str | None = None) -> Any:
        text_case = self.get("text-case")
        if text_case is None or text is None:
            return text
        if text_case == "title" and language not in (None, "en"):
            return text
        if language is None:
            language = getattr(self.get_root(), "output_language", "en")
        cased = case_text(str(text), text_case, language)
        return cased if type(text) is str else String(cased)

    model.Style.set_locale_list = set_locale_list
    model.Text.process = process
    model.TextCased.case = case
