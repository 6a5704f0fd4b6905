"""A visual check: the first page of each example, compared with a reference image.

Each example PDF's first page is rendered at low resolution with pdfium and
compared with ``tests/golden/<file>.png`` within a tolerance, so a change of
layout, a lost glyph or a missing block fails while the source commit in the
footer may change.  ``invoke update-golden`` (which sets
``HANDOUT_UPDATE_GOLDEN=1``, and ``HANDOUT_GOLDEN_DIR`` for another folder)
writes the references again after a deliberate change of design; look at
them before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2 as pdfium
from helpers import ROOT
from PIL import Image, ImageChops

GOLDEN = ROOT / "tests" / "golden"
DPI = 40
STRONG = 64  # a grey-level change a reader would see
MAX_CHANGED = 0.006  # share of strongly changed pixels (the commit in the footer changes)
MAX_MEAN = 1.5  # mean grey-level change


def first_page(path: Path) -> Image.Image:
    pdf = pdfium.PdfDocument(path)
    try:
        return pdf[0].render(scale=DPI / 72).to_pil().convert("L")
    finally:
        pdf.close()


def compare(actual: Image.Image, reference: Image.Image) -> str | None:
    """Why ``actual`` does not look like ``reference``, or None."""
    if actual.size != reference.size:
        return f"size {actual.size} instead of {reference.size}"
    diff = ImageChops.difference(actual, reference)
    histogram = diff.histogram()
    pixels = actual.size[0] * actual.size[1]
    changed = sum(histogram[STRONG:]) / pixels
    mean = sum(level * count for level, count in enumerate(histogram)) / pixels
    if changed > MAX_CHANGED or mean > MAX_MEAN:
        return f"{changed:.2%} of the pixels changed, mean change {mean:.2f}"
    return None


def test_first_pages_look_like_their_references(built, tmp_path):
    pdfs = sorted(built.glob("*.pdf"))
    assert pdfs
    if os.environ.get("HANDOUT_UPDATE_GOLDEN") == "1":
        folder = Path(os.environ.get("HANDOUT_GOLDEN_DIR") or GOLDEN)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in set(folder.glob("*.png")) - {folder / f"{p.stem}.png" for p in pdfs}:
            stale.unlink()
        for path in pdfs:
            first_page(path).save(folder / f"{path.stem}.png", optimize=True)
        return
    problems = []
    for path in pdfs:
        reference = GOLDEN / f"{path.stem}.png"
        if not reference.is_file():
            problems.append(f"{path.stem}: no reference image {reference.relative_to(ROOT)}")
            continue
        actual = first_page(path)
        with Image.open(reference) as image:
            why = compare(actual, image.convert("L"))
            if why:
                actual.save(tmp_path / f"{path.stem}.png")
                ImageChops.difference(actual, image.convert("L")).point(
                    lambda v: 255 - min(255, v * 4)).save(tmp_path / f"{path.stem}.diff.png")
                problems.append(f"{path.stem}: {why} (see {tmp_path})")
    unused = sorted(p.name for p in GOLDEN.glob("*.png")
                    if p.stem not in {pdf.stem for pdf in pdfs})
    if unused:
        problems.append(f"reference images of no example: {', '.join(unused)}")
    assert not problems, "\n".join(problems) + "\nafter a deliberate change of design, " \
        "run `invoke update-golden` and look at the new images"


def test_the_comparison_sees_a_missing_block_and_tolerates_a_changed_commit(built):
    page = first_page(built / "regen-pain.clinician.pdf")
    assert compare(page, page) is None
    width, height = page.size
    # the source commit in the footer: a few characters in the last line
    footer = page.copy()
    footer.paste(255, (width // 3, int(height * 0.94), width // 2, int(height * 0.96)))
    assert compare(footer, page) is None
    # the banner gone: a block of the first page
    missing = page.copy()
    missing.paste(255, (0, int(height * 0.25), width, int(height * 0.33)))
    assert compare(missing, page) is not None


DOSING_PAGE = GOLDEN / "pages" / "dosing-card.clinician.png"


def test_a_page_of_a_dosing_table_looks_like_its_reference(dosing_card, tmp_path):
    """The first page of the dosing card: a table whose cells break lines with <br>."""
    actual = first_page(dosing_card / "dosing-card.clinician.pdf")
    if os.environ.get("HANDOUT_UPDATE_GOLDEN") == "1":
        folder = Path(os.environ.get("HANDOUT_GOLDEN_DIR") or GOLDEN) / "pages"
        folder.mkdir(parents=True, exist_ok=True)
        actual.save(folder / DOSING_PAGE.name, optimize=True)
        return
    with Image.open(DOSING_PAGE) as image:
        why = compare(actual, image.convert("L"))
    if why:
        actual.save(tmp_path / DOSING_PAGE.name)
    assert why is None, f"dosing card: {why} (see {tmp_path}); after a deliberate change of " \
        "design, run `invoke update-golden` and look at the new image"


PAGES = GOLDEN / "pages"
# One page of each kind a reader must be able to read: formulas and code.
FIXTURE_PAGES = ("formulas.clinician", "code.clinician")


def test_a_page_of_formulas_and_a_page_of_code_look_like_their_references(formulas_and_code,
                                                                         tmp_path):
    if os.environ.get("HANDOUT_UPDATE_GOLDEN") == "1":
        folder = Path(os.environ.get("HANDOUT_GOLDEN_DIR") or GOLDEN) / "pages"
        folder.mkdir(parents=True, exist_ok=True)
        for stem in FIXTURE_PAGES:
            first_page(formulas_and_code / f"{stem}.pdf").save(folder / f"{stem}.png",
                                                               optimize=True)
        return
    problems = []
    for stem in FIXTURE_PAGES:
        actual = first_page(formulas_and_code / f"{stem}.pdf")
        with Image.open(PAGES / f"{stem}.png") as image:
            why = compare(actual, image.convert("L"))
        if why:
            actual.save(tmp_path / f"{stem}.png")
            problems.append(f"{stem}: {why} (see {tmp_path})")
    assert not problems, "\n".join(problems) + "\nafter a deliberate change of design, " \
        "run `invoke update-golden` and look at the new images"
