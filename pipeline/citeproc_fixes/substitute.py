"""``<substitute>``: what stands in for the author is not printed again."""

from __future__ import annotations

from typing import Any

from .registry import patch, printed_children

# (tag, variable) of what each substitute being rendered printed, innermost last
SUBSTITUTE_RECORDS: list[list[tuple[str, str]]] = []
# the <names> element of each substitute being rendered, innermost last
SUBSTITUTE_NAMES: list[Any] = []
# the <names> elements whose substitute printed text, not names: as in citeproc-js, the
# names' affixes do not go around it ('Anon 2015', not 'Anon. 2015' for suffix=".")
SUBSTITUTED_TEXT: list[Any] = []
# the <choose> elements of the substitutes being rendered: each child of the branch taken
# is a candidate of its own
SUBSTITUTE_CHOICES: list[Any] = []


# the elements that print a variable a <text> or <number> in a substitute printed
_SAME_VARIABLES = {"text": ("text", "number"), "number": ("text", "number")}


@patch
def substitute_suppresses_rendered_variables() -> None:
    """CSL: the variables a substitute printed are suppressed in the rest of the entry.

    citeproc-py represses only a substitute's own ``variable``: a macro or a
    ``<choose>`` standing in for the author (AMA's title, APA's publisher for a
    web page) was printed a second time.  The variables it printed are recorded
    while it renders (see ``groups.tracked``), so those of branches not taken stay
    printable (APA: a book's publisher after the title that replaced its author).
    Text standing in for the names (a title, a term) takes the ``<names>``
    element's formatting but not its affixes, as in citeproc-js.  A variable
    is suppressed whichever element prints it: AAA's title macro, standing in
    for a legal case's author, prints the volume with ``<number>``, and the
    volume was printed again ('Adeyemi v Northfield, vol.139 2014 vol.139.').
    """
    from citeproc import model

    def render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        names = self.xpath_search("./parent::cs:names[1]")[0]
        for child in self.getchildren():
            SUBSTITUTE_RECORDS.append([])
            SUBSTITUTE_NAMES.append(names)
            if isinstance(child, model.Choose):
                SUBSTITUTE_CHOICES.append(child)
            try:
                if isinstance(child, model.Names) and child.name is None:
                    text = child.render(item, names_context=names, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except model.VariableError:
                continue
            finally:
                printed = SUBSTITUTE_RECORDS.pop()
                SUBSTITUTE_NAMES.pop()
                if isinstance(child, model.Choose):
                    SUBSTITUTE_CHOICES.pop()
            if text:
                if not isinstance(child, model.Names):
                    SUBSTITUTED_TEXT.append(names)  # its affixes are not the text's
                try:
                    layout = (context if context is not None else self).get_layout()
                except IndexError:  # rendered for sorting, outside a layout
                    return text
                for tag, variable in printed:  # as citeproc-js: by any element
                    for each in _SAME_VARIABLES.get(tag, (tag,)):
                        layout.repressed.setdefault(each, []).append(variable)
                return text
        return None

    original_markup = model.Names.markup

    def markup(self: Any, text: Any) -> Any:
        if SUBSTITUTED_TEXT and SUBSTITUTED_TEXT[-1] is self:
            SUBSTITUTED_TEXT.pop()
            return self.format(text) if text else None
        return original_markup(self, text)

    original_number = model.Number.process

    def number(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        try:
            repressed = (context if context is not None else self).get_layout().repressed
        except IndexError:  # rendered for sorting, outside a layout
            repressed = {}
        if self.get("variable") in repressed.get(self.tag, ()):
            return None
        return original_number(self, item, context, **kwargs)

    model.Substitute.render = render
    model.Names.markup = markup
    model.Number.process = number


@patch
def substitute_choice_takes_one_candidate() -> None:
    """In a ``<choose>`` of a substitute, each element of the branch taken is one candidate.

    CSL: the first element of a substitute that prints stands in for the
    names.  citeproc-py printed the whole branch, so the Oxford Guide's chapter
    (whose ``<choose>`` lists editor, translator, ...) gave 'Pieter Janssen and
    Marta Kowalski (eds.)Oliver Bright (trans.)' where citeproc-js prints the
    editors alone, and the translator later ('trans. Oliver Bright').
    """
    from citeproc import model

    def first_only(original: Any) -> Any:
        def render_children(self: Any, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
            if not SUBSTITUTE_CHOICES or self.getparent() is not SUBSTITUTE_CHOICES[-1]:
                return original(self, item, delimiter=delimiter, **kwargs)
            return next(printed_children(self, item, delimiter, **kwargs), None)
        return render_children

    model.If.render_children = first_only(model.If.render_children)
    model.Else.render_children = first_only(model.Else.render_children)


# -- substitute (names) ------------------------------------------------------


@patch
def names_in_a_substitute_choice_inherit() -> None:
    """A bare ``<names>`` inside a substitute's ``<choose>`` takes the substitute's options.

    CSL: a ``<names>`` without ``<name>`` in a substitute inherits the ``<name>``,
    ``<et-al>`` and ``<label>`` of the ``<names>`` it stands in for.  citeproc-py
    passes them only to direct children, so Chicago's bibliography (whose
    editors stand in for the author inside ``<choose>``) printed an edited
    book as 'D. L. Longo, A. S. Fauci. Harrison's ...' where citeproc-js
    prints 'Longo, Dan L., and Anthony S. Fauci, eds. Harrison's ...'.
    """
    from citeproc import model

    original = model.Names.process

    def process(self: Any, item: Any, names_context: Any = None, context: Any = None,
                **kwargs: Any) -> Any:
        if names_context is None and SUBSTITUTE_NAMES and self.name is None \
                and SUBSTITUTE_NAMES[-1] is not self:
            names_context = SUBSTITUTE_NAMES[-1]
        return original(self, item, names_context, context, **kwargs)

    model.Names.process = process


@patch
def substituted_names_suppressed() -> None:
    """A name variable used as a substitute is not printed again in the entry.

    CSL: substituted variables are suppressed in the rest of the output.
    citeproc-py only checks that for ``<text variable>``, so an edited book
    whose editors stand in for the author prints them twice:
    'Moore S, ed. Open Research Data. (Moore S, ed.). Ubiquity Press'.  A
    names variable printed earlier in the substitute being rendered is not
    printed again by it either (a macro with two ``<names variable="editor">``).
    Fixtures: substitute_SuppressOrdinaryVariable.
    """
    from citeproc import model

    original = model.Names.process

    def process(self: Any, item: Any, names_context: Any = None, context: Any = None,
                **kwargs: Any) -> Any:
        try:
            layout = (context if context is not None else self).get_layout()
        except IndexError:  # a macro rendered outside a layout
            layout = None
        repressed = list(getattr(layout, "repressed", {}).get(self.tag, ()))
        # printed earlier in the substitute being rendered (its macro's second <names>)
        repressed += [v for record in SUBSTITUTE_RECORDS for tag, v in record if tag == self.tag]
        roles = (self.get("variable") or "").split()
        if repressed and roles and all(role in repressed for role in roles):
            raise model.VariableError
        if repressed and any(role in repressed for role in roles):
            kept = " ".join(r for r in roles if r not in repressed)
            original_roles = self.get("variable")
            self.set("variable", kept)
            try:
                return original(self, item, names_context, context, **kwargs)
            finally:
                self.set("variable", original_roles)
        return original(self, item, names_context, context, **kwargs)

    model.Names.process = process


@patch
def substituted_dates_suppressed() -> None:
    """A date variable printed by a substitute is not printed again in the entry.

    citeproc-py suppresses a substituted variable only for ``<text>``: a title
    macro standing in for the author that prints the year ('Arrêté du 23 mars
    1992, 1992.') left the layout's ``<date variable="issued">`` to print the
    date again.  Fixtures: bugreports_LegislationCrash.
    """
    from citeproc import model

    original = model.Date.process

    def process(self: Any, item: Any, variable: Any = None, show_parts: Any = None,
                context: Any = None, **kwargs: Any) -> Any:
        own = self.get("variable")
        if own and variable in (None, own) and not self.is_locale_date():
            try:
                layout = (context if context is not None else self).get_layout()
            except IndexError:  # rendered for sorting, outside a layout
                layout = None
            if own in getattr(layout, "repressed", {}).get(self.tag, ()):
                raise model.VariableError
        return original(self, item, variable, show_parts, context, **kwargs)

    model.Date.process = process


@patch
def subsequent_author_substitute() -> None:
    """``subsequent-author-substitute``: an entry's names as the previous entry's become '---'.

    citeproc-py ignores the option.  The first ``<names>`` an entry prints
    (or the text standing in for them) is compared with the previous
    entry's; the style's string replaces all of them (``complete-all``, the
    label stays), each of them (``complete-each``), or those that match from
    the first on (``partial-each``, ``partial-first``).  Fixtures:
    name_SubsequentAuthorSubstitute*, name_SubstitutePartialEach,
    sort_ChicagoYearSuffix*, sort_DropNameLabelInSort, substitute_SharedMacro.
    A character reference the style escaped once more ('&amp;#8212;') is the
    character, as citeproc-js's HTML shows it ('———', not '&#8212;&#8212;&#8212;').
    """
    import html

    from citeproc import model

    from .names import SUBSEQUENT

    original_children = model.Layout.render_children
    original_render = model.Names.render

    def render_children(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
        bibliography = self.getparent()
        string = bibliography.get("subsequent-author-substitute")
        if bibliography.tag.rpartition("}")[2] != "bibliography" or string is None:
            return original_children(self, item, *args, **kwargs)
        if "&" in string:  # '&amp;#8212;' in the file: a character reference, as HTML reads it
            string = html.unescape(string)
        SUBSEQUENT.update(string=string, current=None, armed=True, rule=bibliography.get(
            "subsequent-author-substitute-rule", "complete-all"))
        try:
            return original_children(self, item, *args, **kwargs)
        finally:
            SUBSEQUENT.update(previous=SUBSEQUENT["current"], current=None, armed=False,
                              string=None)

    def render(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
        if not SUBSEQUENT.get("armed"):
            return original_render(self, item, *args, **kwargs)
        SUBSEQUENT.update(armed=False, capture=True)
        text = None
        try:
            text = original_render(self, item, *args, **kwargs)
        finally:
            SUBSEQUENT["capture"] = False
            if SUBSEQUENT["current"] is None and (text is None or str(text) == ""):
                SUBSEQUENT["armed"] = True  # printed nothing: the next names are the first
        if SUBSEQUENT["current"] is None and text is not None:  # a substitute's text
            SUBSEQUENT["current"] = ("text", str(text))
            if SUBSEQUENT["previous"] == SUBSEQUENT["current"]:
                return SUBSEQUENT["string"]
        return text

    original_bibliography = model.Bibliography.render

    def render_bibliography(self: Any, citation_items: Any) -> Any:
        SUBSEQUENT["previous"] = None  # a new list
        return original_bibliography(self, citation_items)

    model.Layout.render_children = render_children
    model.Names.render = render
    model.Bibliography.render = render_bibliography
