"""Small forms in exported entries that pandoc --citeproc prints oddly.

A braced double-quoted nickname (AMA initialised it to 'A“A.”'), an open page
range (pandoc '123–123'), a unit after a degree sign (sentence case lowered
'37 °C' to '37 °c'), and biblatex's ``skipbib`` (the handout lists every entry
it cites, as the contract says: a warning).
"""

from __future__ import annotations

import pytest
from test_bib_semantics import _references

BIB = r"""@article{nick, author = {Ann {"Annie"} Roe and Jim "Bo" Lee}, title = {Nicknames},
  journal = {Foot}, year = {2019}}
@article{open, author = {Ng, Pei}, title = {Open pages}, journal = {Foot}, year = {2018},
  volume = {4}, pages = {123--}}
@article{heat, author = {Fox, Al}, title = {Heat at 37~\textdegree{}C and 40 °C, not 98.6 °F},
  journal = {Foot}, year = {2015}}
@article{skip, author = {Kay, Li}, title = {Cited and listed}, journal = {Foot}, year = {2016},
  options = {skipbib=true}}
"""


@pytest.mark.parametrize(("style", "expected"), [
    ("american-medical-association", [
        "Roe A “Annie,” Lee J “Bo.” Nicknames. <i>Foot</i>. Published online 2019.",
        "Ng P. Open pages. <i>Foot</i>. 2018;4:123–.",
        "Fox A. Heat at 37\xa0°C and 40 °C, not 98.6 °F. <i>Foot</i>. Published online 2015.",
        "Kay L. Cited and listed. <i>Foot</i>. Published online 2016."]),
    ("chicago-author-date", [
        "Fox, Al. 2015. “Heat at 37\xa0°C and 40 °C, Not 98.6 °F.” <i>Foot</i>.",
        "Kay, Li. 2016. “Cited and Listed.” <i>Foot</i>.",
        "Ng, Pei. 2018. “Open Pages.” <i>Foot</i> 4: 123–.",
        "Roe, Ann “Annie,” and Jim “Bo” Lee. 2019. “Nicknames.” <i>Foot</i>."]),
])
def test_nicknames_open_pages_and_units_print_as_written(tmp_path, style, expected):
    refs, problems = _references(tmp_path, "See [@nick; @open; @heat; @skip].\n", BIB, style)
    assert [text for _label, text in refs] == expected
    assert problems == [("refs.bib:8: warning: entry 'skip': options 'skipbib=true' asks "
                        "biblatex to leave the entry out of the list; a handout lists every "
                        "entry it cites")]
