"""The private-use characters that stand for formatting while citeproc-py works.

No text citeproc-py produces can be mistaken for markup: formatting, quotes
and display areas travel through it as single characters of Unicode's private
use area.  Each opening mark is closed by :data:`CLOSE` (quotes by
:data:`QUOTE_CLOSE`).  Some marks only live until the output is finished
(``pipeline.citeproc_output``): quotes become the locale's quotation marks,
and markup from the data (``<i>`` in a title) becomes italics or, inside
italics, upright text, as CSL's flip-flop rule asks.
"""

from __future__ import annotations

CLOSE = "\ue000"
# formatting the output keeps, by the name citations.py and the suite know it by
OPEN = {"emph": "\ue001", "strong": "\ue002", "sup": "\ue003", "sub": "\ue004",
        "smallcaps": "\ue005", "underline": "\ue006", "plain": "\ue007", "normal": "\ue008",
        "roman": "\ue009", "nodecoration": "\ue00a", "baseline": "\ue00b",
        "upright-caps": "\ue00c",
        # CSL's display attribute: areas of a reference list entry
        "block": "\ue020", "left-margin": "\ue021", "right-inline": "\ue022", "indent": "\ue023"}
OPEN_CHARS = {v: k for k, v in OPEN.items()}
DISPLAY = ("block", "left-margin", "right-inline", "indent")

# markup from the data, which flips against the formatting around it
FIELD_EMPH = "\ue010"
FIELD_STRONG = "\ue011"
FIELD_SMALLCAPS = "\ue012"
FIELD_NODECOR = "\ue013"
# font-style/font-weight/font-variant="normal" in the style: upright only inside italics, ...
STYLE_ROMAN = "\ue014"
STYLE_WEIGHT_NORMAL = "\ue015"
STYLE_VARIANT_NORMAL = "\ue016"
# quotes: the style's quotes="true", and quotes found in the data (outer or inner form)
QUOTE_STYLE = "\ue018"
QUOTE_OUTER = "\ue019"
QUOTE_INNER = "\ue01a"
QUOTE_CLOSE = "\ue01b"
QUOTE_OPENS = QUOTE_STYLE + QUOTE_OUTER + QUOTE_INNER

FLIPPING = FIELD_EMPH + FIELD_STRONG + FIELD_SMALLCAPS + FIELD_NODECOR
CONDITIONAL = STYLE_ROMAN + STYLE_WEIGHT_NORMAL + STYLE_VARIANT_NORMAL
TRANSIENT = FLIPPING + CONDITIONAL + QUOTE_OPENS + QUOTE_CLOSE

# the reference list's citation number (see pipeline.csl)
MARK_NUMBER_OPEN = "\ue0f0"
MARK_NUMBER_CLOSE = "\ue0f1"

MARKS = CLOSE + "".join(OPEN.values()) + MARK_NUMBER_OPEN + MARK_NUMBER_CLOSE
ALL_MARKS = MARKS + TRANSIENT
