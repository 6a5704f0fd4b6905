"""The project's citations against citeproc-js in the most used styles, in other languages.

The comparison of ``test_citeproc_styles.py`` (the varied references, every
kind of citation, the same causes for the differences) with the style's locale
set to a handout language or to a locale whose words, dates and punctuation
differ most.  A module of its own, so that a second test worker can run it
beside the comparisons in English.
"""

from __future__ import annotations

import pytest
from citeproc_js import MAJOR_STYLES, varied_clusters
from test_citeproc_styles import _check, _compare, needs_node

# The handout languages and locales whose words, dates and punctuation differ most.
LANGUAGES = ("es-ES", "es-MX", "de-DE", "fr-FR", "pt-BR")
# One style of each family: numeric medical, numeric science, author-date, German, notes.
FAMILIES = ("american-medical-association", "nature", "apa", "din-1505-2", "mhra-notes")


@needs_node
@pytest.mark.parametrize("lang", ["es-ES"])
def test_a_spanish_handout_prints_as_citeproc_js_in_spanish(lang):
    """Spanish terms ('y', 'n.º', 'versión', '(Ed.)'), dates and quotes in two styles."""
    comparisons = _compare(("apa", "chicago-notes-bibliography"), varied_clusters, lang)
    _check(comparisons)
    apa = dict(comparisons[0].entries)
    assert apa["edited2018"][0] == ("Schmidt, U., & Rossi, G. (Eds.). (2018). <i>Handbook of "
                                    "Pain Assessment</i>. Oxford University Press.")


@needs_node
@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_most_used_styles_print_as_citeproc_js_in_other_languages(lang):
    """Spanish, a handout language, in every other style; the others in one style of each
    family (a locale's words, dates and punctuation are the same in every style of a family;
    the suite's time: ``citeproc_js.py --wide --lang LANG`` compares all of them)."""
    styles = MAJOR_STYLES[::2] if lang == "es-ES" else FAMILIES
    _check(_compare(styles, varied_clusters, lang))
