"""Every adversarial case of ``tests/reliability_cases.py`` ends well.

Before issue 11's fixes these cases gave 11 silent wrong results, 9 raw
or misleading errors and 2 hangs (24 cases; run the module as a script
against the old ``lib`` to see the table). Each case must now give the
right answer or a clear error.
"""

from __future__ import annotations

import pytest

import reliability_cases

ROWS = reliability_cases.run_all()


@pytest.mark.parametrize(("item", "case", "outcome", "detail"), ROWS,
                         ids=[f"item{r[0]}-{r[1]}" for r in ROWS])
def test_case_ends_well(item, case, outcome, detail):
    assert outcome == "ok", f"item {item}, {case}: {outcome} ({detail})"


def test_every_item_is_covered():
    assert {r[0] for r in ROWS} == {1, 2, 3, 4, 5}
    assert len(ROWS) >= 24 + 50
