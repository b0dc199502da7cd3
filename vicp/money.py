"""Money as every page, report and email writes it: "£12,345" or "£1,234.50", and a
loss with a true minus sign (U+2212, before the £), which a screen reader says as minus
and a line never breaks after."""

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"
PENNY = Decimal("0.01")


def pounds(value: float | int | Decimal | str | None, *, pence: bool = True) -> str:
    if value is None:
        return "—"
    amount = Decimal(str(value))
    if pence:
        amount = amount.quantize(PENNY, rounding=ROUND_HALF_UP)
        text = f"£{abs(amount):,.2f}"
    else:
        amount = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        text = f"£{abs(amount):,.0f}"
    return f"{MINUS}{text}" if amount < 0 else text
