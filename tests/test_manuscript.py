from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.manuscript import load_manuscript

GOOD = """---
title: "How is regenerative medicine applied to pain management?"
version: 1.2.0
status: draft
last_updated: 2025-09-18
---
Body text.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_front_matter(tmp_path):
    m, warnings = load_manuscript(write(tmp_path, GOOD), tmp_path)
    assert m.version == "1.2.0" and m.status == "draft" and m.slug == "m"
    assert m.body.strip() == "Body text." and warnings == []


def test_every_problem_is_reported_with_its_line(tmp_path):
    text = GOOD.replace("version: 1.2.0", "version: 1.2").replace("status: draft", "status: aproved")
    with pytest.raises(PipelineError) as info:
        load_manuscript(write(tmp_path, text), tmp_path)
    lines = [str(p) for p in info.value.problems]
    assert any(":3: 'version' must be a semantic version" in s for s in lines)
    assert any(":4: 'status' must be one of" in s and "did you mean 'approved'" in s for s in lines)
