"""Pages of static sites and books (Jekyll, Hugo, Quarto, bookdown), read back from the outputs.

A Jekyll page's Liquid tags and kramdown attribute lists, Hugo's figure and box
shortcodes, Quarto's key and meta shortcodes and cross-references, and bookdown's
part headings and boxes are shown as what they mean, or left out with a warning at their line;
none is printed as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    build_in,
    callout_boxes,
    draft,
    epub_documents,
    epub_elements,
    epub_text,
    pdf_pages,
)

FRONT = """---
title: "Site pages"
version: 1.0.0
status: draft
last_updated: 2025-09-01
---

"""
BODY = """The handout is {{< meta title >}}, printed with {{< kbd Ctrl-P >}}.

{{< figure src="dot.png" alt="A red dot" caption="The dot to press" >}}

{{< notice warning title="Hot water" >}}
Test the bath first.
{{< /notice >}}

{% highlight python %}
dose = weight * 15  # {{ kept.as.code }}
{% endhighlight %}

{% if page.adults %}
Two tablets a day.
{% endif %}

Hello {{ page.author }} and {% raw %}{{ shown }}{% endraw %}.
{: .lead}

* TOC
{:toc}

{::comment}
Reviewer: Dr Hidden Kramdown
{:/comment}

::: rmdcaution
A caution of a bookdown book.
:::

# (PART) Later chapters {-}

## After the part

The end.

## Results {#sec-results}

See @Fig-dot, [-@tbl-doses] and @sec-results, as [see @tbl-doses, row 1].

![A second dot](dot.png){#fig-dot}

| Age | Dose |
|-----|------|
| 2   | 5 ml |

: Doses by age {#tbl-doses}
"""
SAID = "which pandoc's Markdown does not have: it is left out of the handout"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    from PIL import Image

    folder = tmp_path_factory.mktemp("sites")
    (folder / "s.md").write_text(FRONT + BODY, encoding="utf-8")
    Image.new("RGB", (20, 20), (200, 30, 30)).save(folder / "dot.png")
    return build_in(folder, ["s.md"])


def _checked(tmp_path: Path, monkeypatch, name: str, body: str) -> list[str]:
    """What ``check`` says of a manuscript ``name`` with ``body``, run from its folder."""
    from pipeline.build import BuildOptions, check

    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(FRONT + body, encoding="utf-8")
    return [str(p) for p in check([tmp_path / name], BuildOptions()).problems]


def _checked_and_read(tmp_path: Path, monkeypatch, name: str, body: str):
    """:func:`_checked`, and the body as the dialects read it."""
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast

    problems = _checked(tmp_path, monkeypatch, name, body)
    return problems, read_dialects(draft(body, body_line=8), markdown_to_ast(body), Problems())


def test_what_is_left_out_is_a_warning_at_its_line(built):
    _out, problems = built
    assert problems == [
        *(f"s.md:{line}: warning: '{tag}' is a Liquid tag (Jekyll's), {SAID}; a handout runs "
          "no template: the text around it is shown"
          for line, tag in ((20, "{% if page.adults %}"), (22, "{% endif %}"))),
        (f"s.md:24: warning: '{{{{ page.author }}}}' is a Liquid variable (Jekyll's), {SAID}; "
         "a handout fills in no template: write the words themselves"),
        (f"s.md:25: warning: '{{: .lead}}' is a kramdown attribute list (Jekyll's), {SAID}; "
         "pandoc's Markdown writes them otherwise ({#id .class} after a heading, ::: {.class} "
         "around a block); a handout's look is its own"),
        (f"s.md:27: warning: '* TOC {{:toc}}' is kramdown's table of contents (Jekyll's), "
         f"{SAID}; the PDF's bookmarks and the EPUB's contents list the headings"),
        (f"s.md:30: warning: '{{::comment}} Reviewer: Dr Hidden Kram ...nt}}' is a kramdown "
         f"comment (Jekyll's), {SAID}; for a note to the editors write an HTML comment "
         "<!-- ... -->, which no file shows"),
    ]


def test_each_mark_is_shown_as_what_it_means_in_every_format(built):
    out, _ = built
    pdf = " ".join(" ".join(pdf_pages(out / "s.clinician.pdf")).split())
    epub = " ".join(epub_text(out / "s.clinician.epub").split())
    for kind, text in (("pdf", pdf), ("epub", epub)):
        assert "The handout is Site pages, printed with Ctrl-P" in text, kind
        assert "Warning Hot water Test the bath first." in text, kind
        assert "dose = weight * 15 # {{ kept.as.code }}" in text, kind
        assert "Two tablets a day. Hello and {{ shown }}." in text, kind
        assert "Later chapters" in text and "After the part The end." in text, kind
        assert "See Figure 1, 1 and Results, as see Table 1, row 1." in text.replace(" ,", ","), kind
        assert "Figure 1: A second dot" in text and "Table 1: Doses by age" in text, kind
        for written in ("{%", "{:", "TOC", "Hidden", "page.", "(PART)", "{{<", "notice", "@fig", "@tbl",
                        "@sec"):
            assert written not in text, (kind, written)
    book = out / "s.clinician.epub"
    assert [k.text for k in epub_elements(book, "kbd")] == ["Ctrl-P"]
    assert [(i.get("alt"), " ".join("".join(f.itertext()).split()))
            for f in epub_elements(book, "figure") for i in f.iter("{*}img")] == [
        ("A red dot", "The dot to press"), ("A second dot", "Figure 1: A second dot")]
    assert [c.get("class") for c in epub_elements(book, "code") if c.get("class")] == [
        "sourceCode python"]
    assert [(a.get("href").split("#")[1], a.text)
            for name, root in sorted(epub_documents(book).items()) if "nav" not in name
            for a in root.iter("{*}a")
            if "#fig-" in a.get("href", "") or "#tbl-" in a.get("href", "")
            or "#sec-" in a.get("href", "")] == [
        ("fig-dot", "Figure 1"), ("tbl-doses", "1"), ("sec-results", "Results"),
        ("tbl-doses", "Table 1")]
    assert callout_boxes(epub_elements(book, "div")) == [
        ("warning", "Warning", "Hot water Test the bath first."),
        ("warning", "Warning", "A caution of a bookdown book."),
    ]


def test_quarto_layouts_are_named_and_a_callouts_options_need_no_warning(tmp_path, monkeypatch):
    from pipeline.build import BuildOptions, check

    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.md").write_text(FRONT + """::: {.callout-tip collapse="true" icon=false}
Rest the knee.
:::

:::: {.columns}
::: {.column width="50%"}
Left.
:::
::::

::: {.content-visible when-format="pdf"}
Print only.
:::
""", encoding="utf-8")
    layout = "is not used in a handout: its text is shown in order, in every format"
    assert [str(p) for p in check([tmp_path / "q.md"], BuildOptions()).problems] == [
        f"q.md:12: warning: Quarto's layout 'columns' {layout}",
        f"q.md:13: warning: Quarto's layout 'column' {layout}",
        ("q.md:18: warning: Quarto's 'content-visible' is not read: its text is shown in every "
         "format and edition; for one audience's text write ::: {audience=\"patient\"}"),
    ]


def test_obsidian_block_ids_are_left_out_and_a_quote_opened_under_text_is_warned(tmp_path,
                                                                                 monkeypatch):
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ("> [!warning] Outer\n> > [!note] Inner\n> > Nested.\n\n> Fine\n>\n> > nested\n\n"
            "Step one. ^step-1\n\nA sum of x ^2 and `code ^abc` stay.\n")
    assert _checked(tmp_path, monkeypatch, "o.md", body) == [
        ("o.md:16: warning: '^step-1' is an Obsidian block id, which pandoc's Markdown does not "
         "have: it is left out of the handout; to link to this text, give it an id pandoc reads "
         "([text]{#step-1})"),
        ("o.md:9: warning: a quote inside a quote right under a line of its text is that text "
         "to pandoc's Markdown, '>' and all: put a line holding only '>' before it"),
    ]
    assert [stringify([b]).strip() for b in markdown_to_ast(body)["blocks"][-2:]] == [
        "Step one.", "A sum of x ^2 and code ^abc stay."]


def test_a_jsx_space_of_an_mdx_page_is_a_space():
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = "Press <kbd>Enter</kbd>{' '}\nto go on, {\" \"}then wait; `{' '}` is code.\n"
    assert stringify(markdown_to_ast(body)["blocks"]).split() == [
        "Press", "Enter", "to", "go", "on,", "then", "wait;", "{'", "'}", "is", "code."]


def test_a_bootstrap_alert_of_a_hospitals_page_is_a_box(tmp_path, monkeypatch):
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast

    body = ('<div class="alert alert-danger" role="alert">\n<strong>Call 999</strong> if '
            'you cannot breathe.\n</div>\n\n<div class="alert alert-info">Visiting: 2-8 pm.'
            '</div>\n')
    assert _checked(tmp_path, monkeypatch, "l.md", body) == []
    ast = read_dialects(draft(body, body_line=8), markdown_to_ast(body), Problems())
    assert [b["c"][0][1] for b in ast["blocks"] if b["t"] == "Div"] == [["warning"], ["note"]]


def test_a_link_left_without_words_shows_its_address(tmp_path):
    from lxml import html as lxml_html

    body = ("Built from commit [{{ site.commit }}](https://example.org/c1).\n\n"
            "Also [](https://example.org/guide) and [the guide](https://example.org/g).\n")
    (tmp_path / "l.md").write_text(FRONT + body, encoding="utf-8")
    out, problems = build_in(tmp_path, ["l.md"], formats=("html",))
    assert [p for p in problems if "no words" in p] == [
        f"l.md:{line}: warning: link '{url}' has no words, so nothing names it to a reader: its "
        f"address is shown instead; write [what it leads to]({url})"
        for line, url in ((8, "https://example.org/c1"), (10, "https://example.org/guide"))]
    page = lxml_html.parse(str(out / "l.clinician.html")).getroot()
    links = {a.get("href"): a.text_content() for a in page.iter("a")
             if (a.get("href") or "").startswith("https://example.org/")}
    assert links == {"https://example.org/c1": "https://example.org/c1",
                     "https://example.org/guide": "https://example.org/guide",
                     "https://example.org/g": "the guide"}


def test_a_confluence_macro_is_a_box_of_its_kind(tmp_path, monkeypatch):
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ('<div class="confluence-information-macro confluence-information-macro-warning">'
            '<span class="aui-icon aui-icon-small"></span><div class="confluence-information-'
            'macro-body"><p>Do not inject an infected joint.</p></div></div>\n\n'
            '<div class="confluence-information-macro confluence-information-macro-tip">'
            '<div class="confluence-information-macro-body">Rest.</div></div>\n')
    assert _checked(tmp_path, monkeypatch, "c.md", body) == []
    ast = read_dialects(draft(body, body_line=8), markdown_to_ast(body), Problems())
    # the box holds the macro's text, not a box of an unknown kind around it
    assert [(b["c"][0][1], "Div" in [c["t"] for c in b["c"][1]], " ".join(stringify(b).split()))
            for b in ast["blocks"] if b["t"] == "Div"] == [
        (["warning"], False, "Do not inject an infected joint."), (["tip"], False, "Rest.")]


def test_vitepress_file_imports_are_warned_and_its_page_variables_read(tmp_path, monkeypatch):
    from pipeline.build import BuildOptions, check
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    monkeypatch.chdir(tmp_path)
    body = ("Title: {{ $frontmatter.title }}.\n\n<<< @/snippets/dose.js{2} [dose.js]\n\n"
            "@[code js{1-3}](./dose.js)\n\n<!--@include: ./parts/dosing.md-->\n\n"
            "```\n<<< @/kept.js\n```\n")
    (tmp_path / "v.md").write_text(FRONT + body, encoding="utf-8")
    code = ("imports a file as code (VitePress, VuePress), which a handout does not do: it is "
            "left out; paste the code in a fenced block (```js ... ```)")
    assert [str(p) for p in check([tmp_path / "v.md"], BuildOptions()).problems] == [
        f"v.md:10: warning: '<<< @/snippets/dose.js{{2}} [dose.js]' {code}",
        f"v.md:12: warning: '@[code js{{1-3}}](./dose.js)' {code}",
        ("v.md:14: warning: '<!--@include: ./parts/dosing.md-->' includes a file (VitePress), "
         "but to pandoc's Markdown it is a comment, which no file shows: write "
         "{{< include ./parts/dosing.md >}} on a line of its own"),
    ]
    blocks = markdown_to_ast(body)["blocks"]
    assert stringify(blocks[:1]).strip() == "Title: {{< meta title >}}."  # read as Quarto's
    assert [b["t"] for b in blocks[1:]] == ["RawBlock", "CodeBlock"]
    assert blocks[2]["c"][1] == "<<< @/kept.js"


def test_a_vitepress_badge_keeps_the_words_of_its_text_attribute(tmp_path, monkeypatch):
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.raw import clean_raw_markup
    from pipeline.tree import stringify

    body = '## Dosing <Badge type="tip" text="New in  v2" />\n\nA <Badge type="info" />.\n'
    problems = Problems()
    ast = clean_raw_markup(draft(body), markdown_to_ast(body), problems)
    shown = [" ".join("".join(n["c"][1] if n["t"] == "RawInline" else stringify([n])
                              for n in (b["c"][2] if b["t"] == "Header" else b["c"])).split())
             for b in ast["blocks"]]
    assert shown == ["Dosing New in v2", "A ."]
    assert [str(p) for p in problems.items] == [
        f"m.md:{line}: warning: raw HTML <badge> is left out: it is not an element of HTML5 "
        "(its text is kept)" for line in (1, 3)]


def test_a_multimarkdown_table_of_contents_is_named_as_one(tmp_path, monkeypatch):
    from pipeline.build import BuildOptions, check

    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.md").write_text(FRONT + "{{TOC}}\n\nText.\n\n{{TOC:2-3}}\n", encoding="utf-8")
    said = ("is a table of contents (MultiMarkdown's), which pandoc's Markdown does not have: it "
            "is left out of the handout; the PDF's bookmarks and the EPUB's contents list the "
            "headings")
    assert [str(p) for p in check([tmp_path / "t.md"], BuildOptions()).problems] == [
        f"t.md:8: warning: '{{{{TOC}}}}' {said}", f"t.md:12: warning: '{{{{TOC:2-3}}}}' {said}"]


def test_the_title_docutils_gives_a_box_is_its_title_or_left_to_its_label(tmp_path, monkeypatch):
    from pipeline.tree import stringify

    # as `pandoc -t markdown` writes reStructuredText's (and Sphinx's HTML's) admonitions
    body = (":::: warning\n::: title\nWarning\n:::\n\nNot twice.\n::::\n\n"
            ":::: note\n::: admonition-title\nBefore you start\n:::\n\nWash your hands.\n::::\n")
    problems, ast = _checked_and_read(tmp_path, monkeypatch, "r.md", body)
    assert problems == []
    assert [(b["c"][0][1], [c["t"] for c in b["c"][1]], " ".join(stringify(b).split()))
            for b in ast["blocks"]] == [
        (["warning"], ["Para"], "Not twice."),
        (["note"], ["Para", "Para"], "Before you start Wash your hands.")]
    assert ast["blocks"][1]["c"][1][0]["c"][0]["t"] == "Strong"


def test_restructuredtext_roles_pandoc_kept_as_code_are_read(tmp_path, monkeypatch):
    from pipeline.tree import stringify

    # as `pandoc -t markdown` writes a .rst file's roles
    body = ("## Doses {#dosing}\n\nSee `dosing`{.interpreted-text role=\"ref\"}, "
            "`the doses <dosing>`{.interpreted-text role=\"ref\"} and\n"
            "`PRP (platelet-rich plasma)`{.interpreted-text role=\"abbr\"}.\n\n"
            "Run `setup.py`{.interpreted-text role=\"file\"}; read "
            "`intro`{.interpreted-text role=\"doc\"} and `gone`{.interpreted-text role=\"ref\"}.\n")
    problems, ast = _checked_and_read(tmp_path, monkeypatch, "r.md", body)
    said = "so its words are shown as text"
    assert problems == [
        ("r.md:13: warning: 'intro' is a reStructuredText :doc: role: it links to another page "
         f"of the project, which a handout (a file that stands alone) cannot, {said}"),
        (f"r.md:13: warning: 'gone' is a reStructuredText :ref: role: it names nothing in the "
         f"handout, {said}")]
    inlines = [n for b in ast["blocks"][1:] for n in b["c"]]
    assert [(n["c"][2][0], stringify(n["c"][1])) for n in inlines if n["t"] == "Link"] == [
        ("#dosing", "dosing"), ("#dosing", "the doses")]
    assert [n["c"][1] for n in inlines if n["t"] == "Code"] == ["setup.py"]
    assert "PRP (platelet-rich plasma)." in stringify(ast["blocks"][1])
    assert "read intro and gone." in stringify(ast["blocks"][2])


def test_restructuredtext_citation_roles_kept_as_code_cite_their_keys(tmp_path, monkeypatch):
    from pipeline.build import BuildOptions, check
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import walk

    body = ("As `lee2019`{.interpreted-text role=\"cite:t\"} found "
            "`lee2019,kim2020`{.interpreted-text role=\"cite\"}, in "
            "`kim2020`{.interpreted-text role=\"cite:year\"}.\n")
    ast = read_dialects(draft(body, body_line=8), markdown_to_ast(body), Problems())
    assert [[(c["citationId"], c["citationMode"]["t"]) for c in n["c"][0]]
            for n in walk(ast["blocks"]) if n["t"] == "Cite"] == [
        [("lee2019", "AuthorInText")], [("lee2019", "NormalCitation"),
                                        ("kim2020", "NormalCitation")],
        [("kim2020", "SuppressAuthor")]]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.bib").write_text("@book{lee2019, title={B}, author={Lee, A}, year={2019}}\n",
                                    encoding="utf-8")
    (tmp_path / "r.md").write_text(FRONT.replace("---\n\n", "bibliography: [r.bib]\n---\n\n")
                                   + body, encoding="utf-8")
    assert [str(p) for p in check([tmp_path / "r.md"], BuildOptions()).problems] == [
        "r.md:9: citation '@kim2020' has no entry in the bibliography"]


def test_a_forum_posts_tags_are_read_and_a_quoted_authors_name_reaches_no_file(tmp_path,
                                                                                monkeypatch):
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ("Asked on [date=2025-08-14 time=09:30:00 timezone=\"Europe/London\"].\n\n"
            "[quote=\"pharm_lee, post:3, topic:41\"]\nIce for 20 minutes.\n\nNot on skin.\n"
            "[/quote]\n\n[details=\"Before the injection\"]\n- Eat a light meal.\n[/details]\n\n"
            "It is [spoiler]paracetamol[/spoiler].\n\n[poll type=regular]\n* Ice\n* Heat\n"
            "[/poll]\n\n```\n[quote=\"kept, post:1\"]\n[/quote]\n```\n")
    assert _checked(tmp_path, monkeypatch, "f.md", body) == [
        ("f.md:10: warning: a quote of a forum post (Discourse's [quote=...]) is a block quote; "
         "the name of who wrote it is left out, since a forum's user name is no source a "
         "handout cites: cite the post, or name the person in words"),
        ("f.md:22: warning: a poll (Discourse's [poll]) shows its choices as a list: no one "
         "can vote on paper")]
    blocks = markdown_to_ast(body)["blocks"]
    assert [b["t"] for b in blocks] == ["Para", "BlockQuote", "Div", "Para", "BulletList",
                                        "CodeBlock"]
    assert blocks[2]["c"][0] == ["", ["note"], [["title", "Before the injection"]]]
    assert [" ".join(stringify(b).split()) for b in blocks[:5]] == [
        "Asked on 2025-08-14 09:30.", "Ice for 20 minutes. Not on skin.", "Eat a light meal.",
        "It is paracetamol.", "Ice Heat"]
    assert "pharm_lee" not in str(blocks) and "kept, post:1" in blocks[5]["c"][1]


def test_typst_references_read_as_what_their_label_names(tmp_path):
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify, walk

    # as `pandoc -f typst -t markdown` writes labels and references
    body = ("# Aftercare\n\n[]{#intro}\n\nSee [\\[ice\\]](#ice){.ref}, [\\[doses\\]](#doses){.ref}"
            " and [\\[gone\\]](#gone){.ref}.\n\n  ------ ------\n  Drug   Dose\n  ------ ------\n\n"
            "  : Doses by age\n\n[]{#doses}\n\n## Ice\n\n[]{#ice} Never on bare skin.\n")
    problems = Problems()
    ast = read_dialects(draft(body, body_line=8), markdown_to_ast(body), problems)
    links = [n for n in walk(ast["blocks"]) if n["t"] == "Link"]
    assert [(n["c"][2][0], stringify(n["c"][1])) for n in links] == [
        ("#ice", "Ice"), ("#doses", "Doses by age"), ("#gone", "gone")]
    assert stringify(ast["blocks"][-1]).strip() == "Never on bare skin."
    assert [str(p) for p in problems.items] == [
        ("m.md:12: warning: '@gone' (a Typst reference) names nothing in the handout that has "
         "words: it reads as its label; put <label> right after a heading or a figure")]


def test_an_org_headings_task_keyword_and_tags_are_left_out_of_it(tmp_path):
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    # as `pandoc -f org -t markdown` writes "** TODO Check the dose :pharm:ward:" and its kin
    body = ("## [TODO]{.todo .TODO} Check the dose [[pharm]{.smallcaps}]{.tag tag-name=\"pharm\"}"
            " [[ward]{.smallcaps}]{.tag tag-name=\"ward\"}\n\nText.\n\n"
            "## [DONE]{.done .DONE} Order ice\n\n## Rest [[home]{.smallcaps}]{.tag tag-name=\"home\"}"
            "\n\nA [word]{.tag} in text stays.\n")
    problems = Problems()
    ast = read_dialects(draft(body, body_line=8), markdown_to_ast(body), problems)
    assert [stringify(b["c"][2]) for b in ast["blocks"] if b["t"] == "Header"] == [
        "Check the dose", "Order ice", "Rest"]
    assert "A word in text stays." in stringify(ast["blocks"])
    said = "of an Org heading {} left out of it: the team's marks for its work, not words for readers"
    assert [str(p) for p in problems.items] == [
        "m.md:8: warning: The task keyword 'TODO' and 2 tags " + said.format("are"),
        "m.md:12: warning: The task keyword 'DONE' " + said.format("is"),
        "m.md:14: warning: 1 tag " + said.format("is")]


def test_zola_shortcodes_are_left_out_with_a_warning_and_a_body_shortcode_keeps_its_text(
        tmp_path, monkeypatch):
    from pipeline.build import BuildOptions, check
    from pipeline.liquid import without_liquid

    body = ("{{ youtube(id=\"dQw4w9WgXcQ\") }}\n\n{% note(kind=\"warning\") %}\nNot on bare skin."
            "\n{% end %}\n\nTake {{ dose(value=\"10 mg\") }} now; `{{ kept() }}` in code.\n")
    assert without_liquid(body).split("\n") == [
        "", "", "", "Not on bare skin.", "", "", "Take  now; `{{ kept() }}` in code.", ""]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "z.md").write_text(FRONT + body, encoding="utf-8")
    template = ("is a shortcode{} (Zola's), which pandoc's Markdown does not have: it is left out "
                "of the handout; a handout runs no template: {}")
    call = template.format("", "write what it would show (a picture as "
                               "![what it shows](file.png))")
    tag = template.format("'s tag", "the text it holds is shown")
    assert [str(p) for p in check([tmp_path / "z.md"], BuildOptions()).problems] == [
        f"z.md:8: warning: '{{{{ youtube(id=\"dQw4w9WgXcQ\") }}}}' {call}",
        f"z.md:10: warning: '{{% note(kind=\"warning\") %}}' {tag}",
        f"z.md:12: warning: '{{% end %}}' {tag}",
        f"z.md:14: warning: '{{{{ dose(value=\"10 mg\") }}}}' {call}"]


def test_a_pelican_picture_in_its_content_folder_is_not_found_with_what_to_write(tmp_path,
                                                                                  monkeypatch):
    from pipeline.build import BuildOptions, check

    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.md").write_text(FRONT + "![A knee]({static}/images/knee.png)\n",
                                   encoding="utf-8")
    assert [str(p) for p in check([tmp_path / "p.md"], BuildOptions()).problems] == [
        ("p.md:8: image '{static}/images/knee.png' not found: '{static}' is Pelican's mark for "
         "its content folder, which a handout does not have: write the picture's path from the "
         "manuscript's folder (![text](images/knee.png) for a picture at images/knee.png "
         "beside it)")]


def test_docbook_and_docutils_admonitions_converted_by_pandoc_are_boxes(tmp_path, monkeypatch):
    from pipeline.tree import stringify

    # as `pandoc -f docbook -t markdown` writes asciidoctor's CAUTION:, IMPORTANT: and a sidebar
    body = (":::: caution\n::: title\n:::\n\nHot.\n::::\n\n:::: important\n::: title\n:::\n\n"
            "Fast.\n::::\n\n:::: sidebar\n::: title\nAside\n:::\n\nA sidebar.\n::::\n")
    problems, ast = _checked_and_read(tmp_path, monkeypatch, "d.md", body)
    assert problems == []
    assert [(b["c"][0][1], " ".join(stringify(b).split())) for b in ast["blocks"]] == [
        (["warning"], "Hot."), (["note"], "Fast."), (["note"], "Aside A sidebar.")]
