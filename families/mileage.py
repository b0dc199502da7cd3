"""Pricing mileage claims: miles times the rate in force on the visit's date."""

from .models import MileageRate


def amount_pence(miles, visited_on, project_id, rates):
    """`miles` at the rate in force on `visited_on` in the project (None without miles or
    a rate); `rates` as `mileage_rates()` gives them."""
    if not miles:
        return None
    for rates_of in (rates.get(project_id, []), rates.get(None, [])):
        for valid_from, pence in rates_of:  # newest first
            if valid_from <= visited_on:
                return miles * pence
    return None


def claim_amount_pence(visit, rates=None):
    """Miles times the rate in force on the visit date (None without miles or a rate).

    `rates` (from `mileage_rates()`) prices many claims with one query.
    """
    if not visit.miles:
        return None
    if rates is None:
        rates = mileage_rates()
    return amount_pence(visit.miles, visit.visited_on, visit.match.family.project_id, rates)


def total_pence(claims):
    """What the claims in the queryset `claims` come to, in two queries however many
    there are (a claim without a rate adds nothing)."""
    rates = mileage_rates()
    rows = claims.order_by().values_list("miles", "visited_on", "match__family__project_id")
    return sum(amount_pence(*row, rates) or 0 for row in rows)


def mileage_rates():
    """{project id or None: [(valid from, pence a mile), newest first]}"""

    rates = {}
    for rate in MileageRate.objects.order_by("-valid_from"):
        rates.setdefault(rate.project_id, []).append((rate.valid_from, rate.pence_per_mile))
    return rates
