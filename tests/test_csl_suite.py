"""The CSL processor test suite, run through the project's citation engine.

Each fixture either passes or is named, with its reason, in
tests/csl_suite_expected_failures.txt; a listed fixture that passes fails
the test until it leaves the list, so the list stays true.
"""

from __future__ import annotations

import pytest
from csl_suite import SUITE, expected_failures, fixture_paths, outcome, read_fixture

PATHS = fixture_paths() if SUITE.is_dir() else []
pytestmark = [
    pytest.mark.slow,  # 845 fixtures: about half a minute on two cores
    pytest.mark.skipif(not PATHS, reason=f"the CSL test suite is not in {SUITE} (a copy of "
                       "citation-style-language/test-suite's processor-tests/humans)"),
]
KNOWN = expected_failures()


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_fixture(path):
    fixture = read_fixture(path)
    passed, printed = outcome(fixture)
    if fixture.name in KNOWN:
        assert not passed, (f"{fixture.name} passes now: remove it from "
                            "tests/csl_suite_expected_failures.txt")
    else:
        assert printed == fixture.result


def test_expected_failures_name_fixtures_with_reasons():
    names = {p.stem for p in PATHS}
    assert sorted(set(KNOWN) - names) == []
    assert [name for name, reason in KNOWN.items() if not reason] == []
