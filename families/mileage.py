"""Pricing mileage claims: miles times the rate in force on the visit's date."""

from .models import MileageRate


def claim_amount_pence(visit, rates=None):
    """Miles times the rate in force on the visit date (None without miles or a rate).

    `rates` (from `mileage_rates()`) prices many claims with one query.
    """
    if not visit.miles:
        return None
    if rates is None:
        rates = mileage_rates()
    project_id = visit.match.family.project_id
    for rates_of in (rates.get(project_id, []), rates.get(None, [])):
        for valid_from, pence in rates_of:  # newest first
            if valid_from <= visit.visited_on:
                return visit.miles * pence
    return None


def mileage_rates():
    """{project id or None: [(valid from, pence a mile), newest first]}"""

    rates = {}
    for rate in MileageRate.objects.order_by("-valid_from"):
        rates.setdefault(rate.project_id, []).append((rate.valid_from, rate.pence_per_mile))
    return rates
