"""Cite positions (``first``, ``subsequent``, ``ibid``, ``near-note``) and note numbers.

citeproc-py decides a cite's position from the cites rendered before it
without their notes: two citations in one footnote count as two earlier
citations, an ``ibid`` may follow a note that cited several works, and
``first-reference-note-number`` is never set.  Here each cite's position is
worked out, as citeproc-js does, when its citation is rendered
(:func:`assign`), and the style's conditions read it.  ``near-note`` holds
for a work cited within ``near-note-distance`` notes of the last note that
cited it (an ``ibid`` is not near by itself), and for any cite of a work cited
before outside notes.
"""

from __future__ import annotations

from typing import Any

from .registry import patch

POSITION = "_position"  # on a citation item: the set of positions that hold for it
FIRST_NOTE = "_first_note"  # the note in which the item was first cited


def _note(item: Any) -> int:
    return int(getattr(item.citation, "note_index", 0) or 0)


def _locator(item: Any) -> Any:
    return (item.locator.label, str(item.locator.identifier)) if item.has_locator else None


def _previous(item: Any, before: list[Any], history: list[Any]) -> Any:
    """The cite an ``ibid`` would point back to, or None.

    Inside a citation, the cite just before; for the first cite, the previous
    citation (in a note style, every citation of the previous note together,
    and footnote and in-text citations each followed on their own) when it
    cites one work only.
    """
    if before:
        return before[-1]
    in_text = _note(item) == 0
    last = None
    for cite in reversed(history):  # the group is the run of such cites at the end
        if (_note(cite) == 0) != in_text:
            continue
        if last is None:
            last = cite
        elif (_note(cite) != _note(last)) if _note(last) else (cite.citation is not last.citation):
            break
        if cite.key != last.key:
            return None
    return last


class _Earlier:
    """Each work's cites in the history of cites, in order, kept up as the history grows.

    The history (the cites rendered so far) only grows while a document's
    citations are rendered, so each citation reads only the cites added since
    the one before: without it, every citation read the whole history again.
    """

    def __init__(self) -> None:
        self.history: list[Any] | None = None
        self.count = 0
        self.by_key: dict[str, list[Any]] = {}
        self.last: Any = None  # the last cite read, to tell the same history grown

    def of(self, history: list[Any]) -> dict[str, list[Any]]:
        """Each key's cites in ``history``."""
        count = self.count
        if (self.history is not history or len(history) < count
                or count and history[count - 1] is not self.last):
            self.history, count, self.by_key = history, 0, {}
        by_key = self.by_key
        for cite in history[count:]:
            by_key.setdefault(cite.key, []).append(cite)
        self.count = len(history)
        self.last = history[-1] if history else None
        return by_key


_EARLIER = _Earlier()


def assign(cites: list[Any], history: list[Any], near_note_distance: int) -> None:
    """Work out each cite's positions, in citation order, after the ``history`` of cites."""
    before_citation = _EARLIER.of(history)  # each key's earlier cites, in order
    in_citation: dict[str, list[Any]] = {}  # and those of this citation
    for index, item in enumerate(cites):
        before = cites[:index]
        key = item.key
        earlier = before_citation.get(key, []) + in_citation.get(key, [])
        in_citation.setdefault(key, []).append(item)
        positions: set[str] = set()
        if not earlier:
            positions.add("first")
        else:
            positions.add("subsequent")
            item[FIRST_NOTE] = _note(earlier[0])
            previous = _previous(item, before, history)
            if previous is not None and previous.key == key:
                mine, theirs = _locator(item), _locator(previous)
                if mine == theirs:
                    positions.add("ibid")
                elif mine is not None:
                    positions.update(("ibid", "ibid-with-locator"))
            # near the last note that cited it (outside notes: near whenever cited before)
            note = _note(item)
            if not note or note - _note(earlier[-1]) <= near_note_distance:
                positions.add("near-note")
        item[POSITION] = positions


@patch
def cite_positions() -> None:
    """``position`` conditions and ``first-reference-note-number`` from :func:`assign`.

    A term that starts a note style's cite (no prefix, or one of several words
    that ends a sentence) is capitalized, as citeproc-js does: 'Ibid.'.  Fixtures:
    position_*, integration_*Ibid*, integration_*FirstReferenceNoteNumber*,
    bugreports_CapsAfterOneWordPrefix.
    """
    from citeproc import model

    from .cluster import RENDERING

    def position(self: Any, item: Any, context: Any) -> list[bool]:
        if (context if context is not None else self).xpath_search(
                "./ancestor::*[self::cs:bibliography]"):
            return [False]
        held = item.get(POSITION) or {"first"}
        return [wanted in held for wanted in self.get("position").split()]

    original_variable = model.Text._variable

    def variable(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") == "first-reference-note-number":
            note = item.get(FIRST_NOTE)
            return str(note) if note else None
        return original_variable(self, item, context)

    original_term = model.Text._term

    def term(self: Any, item: Any) -> Any:
        text = original_term(self, item)
        if RENDERING["printed"] is False and text:  # a note's cite starts with it: 'Ibid.'
            text = text[:1].upper() + text[1:]
        return text

    model.If._position = position
    model.Text._variable = variable
    model.Text._term = term


@patch
def term_starting_an_entry_capitalized() -> None:
    """A term a reference list entry starts with is capitalized, as citeproc-js prints it.

    citeproc-js capitalizes a term printed before anything else of an entry, as
    it does at the start of a note style's cite: 'N.d. <i>Fact sheet</i>' for a
    work of no author and no date, 'O. A. (2011)' ('ohne Autor').  The term of
    :func:`cite_positions` does it while the entry has printed nothing.
    """
    from citeproc import model

    from .cluster import RENDERING

    original = model.Layout.render_children

    def render_children(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(self.getparent(), model.Bibliography):
            return original(self, item, *args, **kwargs)
        RENDERING["printed"] = False
        try:
            return original(self, item, *args, **kwargs)
        finally:
            RENDERING["printed"] = None

    model.Layout.render_children = render_children
