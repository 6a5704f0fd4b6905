"""GitHub's math in a README-style manuscript: read as TeX math, checked, every line in place."""

from __future__ import annotations

from pathlib import Path

from pipeline.build import BuildOptions, check
from pipeline.gfm import as_tex_math
from pipeline.pandoc import markdown_to_ast
from pipeline.tree import walk

BODY = """The dose is $`\\frac{w}{10}`$ mg and `code` costs $5.

```math
\\mathrm{BMI} = \\frac{m}{h^2}
```

```python
print("$`not math`$")
```

````markdown
```math
x
```
````
"""


def test_inline_and_display_math_are_pandocs_math_and_code_stays_code():
    maths = [(n["c"][0]["t"], n["c"][1]) for n in walk(markdown_to_ast(BODY)["blocks"])
             if n["t"] == "Math"]
    assert maths == [("InlineMath", "\\frac{w}{10}"), ("DisplayMath", ("\n\\mathrm{BMI} = "
                                                       "\\frac{m}{h^2}\n"))]
    codes = [n["c"][1] for n in walk(markdown_to_ast(BODY)["blocks"]) if n["t"] == "CodeBlock"]
    assert codes == ['print("$`not math`$")', "```math\nx\n```"]


def test_every_line_keeps_its_number():
    assert len(as_tex_math(BODY).split("\n")) == len(BODY.split("\n"))
    assert as_tex_math(BODY).split("\n")[2:5] == ["$$", "\\mathrm{BMI} = \\frac{m}{h^2}", "$$"]


def test_a_formula_that_cannot_be_read_is_an_error_at_its_line(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.md").write_text("---\ntitle: T\nversion: 1.0.0\nstatus: draft\n"
                                   "last_updated: 2025-01-01\n---\n\nFine $`a^2`$.\n\n"
                                   "```math\n\\frac{1}{\n```\n", encoding="utf-8")
    problems = [str(p) for p in check([tmp_path / "m.md"], BuildOptions()).problems]
    assert problems == [("m.md:11: TeX math $$\\frac{1}{$$ cannot be read: unexpected eof "
                        "(column 1)")]
