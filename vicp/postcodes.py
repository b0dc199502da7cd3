"""UK postcodes: the district a postcode is in, its outward code (CB4 of CB4 1AA)."""

from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Left, Length, Replace, Upper
from django.db.models.lookups import GreaterThanOrEqual

# The inward code, the part after the space, is always three characters (1AA).
INWARD_LENGTH = 3
# The shortest whole postcode without its space (A11AA): anything shorter is a district
# or a part of one, taken as it is.
SHORTEST = 5


def district(postcode: str | None) -> str:
    """The postcode district, in capitals: "CB4 1AA", "cb41aa" and "CB4" are all in CB4."""
    compact = "".join((postcode or "").split()).upper()
    return compact[:-INWARD_LENGTH] if len(compact) >= SHORTEST else compact


def district_sql(field: str) -> Case:
    """`district` of the postcode in `field`, worked out by the database (spaces only:
    a stored postcode holds no other blank)."""
    compact = Replace(Upper(field), Value(" "), Value(""))
    length = Length(compact, output_field=IntegerField())
    return Case(
        When(GreaterThanOrEqual(length, SHORTEST), then=Left(compact, length - INWARD_LENGTH)),
        default=compact,
    )
