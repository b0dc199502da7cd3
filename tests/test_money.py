from decimal import Decimal

import pytest

from vicp.money import pounds


@pytest.mark.parametrize(
    ("value", "pence", "written"),
    [
        (Decimal("1234.5"), True, "£1,234.50"),
        (-1234.5, True, "\u2212£1,234.50"),
        (Decimal("-0.004"), True, "£0.00"),  # rounds to nothing: no minus sign
        (12345.49, False, "£12,345"),
        (-12345.5, False, "\u2212£12,346"),
        (0, False, "£0"),
        (None, False, "—"),
    ],
)
def test_money_is_written_one_way_with_a_true_minus_sign(value, pence, written):
    assert pounds(value, pence=pence) == written
