"""Matching what someone typed into the search box against names and references.

On PostgreSQL a name also matches by trigram similarity (pg_trgm), so a misspelt name
("Jayden" for "Jaydon") is still found; elsewhere (SQLite, for development) only a
plain substring matches. Each app searches its own records through its own selectors
with these helpers, so nobody finds what they may not see.

Every condition here is one a GIN trigram index answers (the apps' search-index
migrations), so that a search reads the index rather than every row.
"""

import re
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, F, Lookup, Q, QuerySet, Window

# Shorter than this, a search would match nearly everything; longer, it is not a name.
MIN_LENGTH = 2
MAX_LENGTH = 100
# A whole UK postcode typed without its space (CB41AA): the last three characters are
# the inward code.
COMPACT_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def cleaned(typed: str) -> str:
    """What was typed, as searched for: no control characters (PostgreSQL stores no NUL),
    spaces folded, at most MAX_LENGTH characters."""
    printable = "".join(" " if not character.isprintable() else character for character in typed)
    return " ".join(printable.split())[:MAX_LENGTH]


# Words people type around a name that no record holds: "the Carter family".
FILLER_WORDS = {"the", "family", "family's", "household", "case"}


def sought(query: str) -> str:
    """What a cleaned query searches for: without the words around a name ("the Carter
    family" searches for "Carter"), unless nothing else was typed."""
    words = [word for word in query.split() if word.lower() not in FILLER_WORDS]
    return " ".join(words) if words else query


def long_enough(query: str) -> bool:
    """A number (a referral's) of any length; otherwise MIN_LENGTH characters."""
    return query.isdigit() or len(query) >= MIN_LENGTH


def fuzzy() -> bool:
    """Whether names match by similarity as well as by substring."""
    return connection.vendor == "postgresql"


def names_matching(query: str, *fields: str) -> Q:
    """Rows where any of `fields` (each a short name) contains `query`, or (on PostgreSQL)
    is like it as a whole or has a word like it."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": query})
        if fuzzy():
            condition |= Q(**{f"{field}__trigram_similar": query})
            condition |= Q(**{f"{field}__trigram_word_similar": query})
    return condition


def text_matching(query: str, *fields: str) -> Q:
    """As `names_matching`, for longer text holding several names (parents and carers):
    a word like `query` within it, never the whole."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": query})
        if fuzzy():
            condition |= Q(**{f"{field}__trigram_word_similar": query})
    return condition


def person_matching(query: str, first_name: str, last_name: str) -> Q:
    """A person by their names: "Amy Doe" needs each word to match the first or the last
    name; one word may match either."""
    words = query.split()
    condition = Q()
    for word in words:
        condition &= names_matching(word, first_name, last_name)
    return condition


def postcode_matching(query: str, field: str = "postcode") -> Q:
    """A postcode typed with or without its space, whole or in part."""
    typed = query.upper()
    compact = "".join(typed.split())
    condition = Q(**{f"{field}__icontains": typed})
    if COMPACT_POSTCODE.match(compact):
        condition |= Q(**{f"{field}__iexact": f"{compact[:-3]} {compact[-3:]}"})
    return condition


def ids_matching(*queries: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """The ids that any of `queries` (each a flat `values_list` of one id) yields, as one
    UNION for a `pk__in` subquery: each part still uses its own index, and the database
    finds the matches before it reads what the person may see among them."""
    # A part of a UNION has no order of its own (SQLite refuses one).
    first, *others = (query.order_by() for query in queries)
    return first.union(*others) if others else first


class _AnyOf(Lookup):  # type: ignore[type-arg]
    """`lhs = ANY(rhs)`, `rhs` an array (used directly, never registered as a lookup)."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def among(matches: QuerySet[Any, Any]) -> Q | Lookup:  # type: ignore[type-arg]
    """Rows whose id is one of `matches` (as `ids_matching` gives them).

    On PostgreSQL the ids are read first, as an array (`id = ANY(ARRAY(...))`), so the
    rows are then fetched by primary key. As an `IN` subquery, the planner guesses the
    matches from the trigram indexes' estimates, often ten times too many, and for a
    person who may see every project it hashed the whole table against them instead."""
    if connection.vendor == "postgresql":
        return _AnyOf(F("pk"), ArraySubquery(matches))
    return Q(pk__in=matches)


def first_matches(rows: QuerySet[Any], limit: int) -> tuple[list[Any], int]:
    """(the first `limit` of `rows`, how many more there are), in one query: the
    matches are counted over all of them (a window) before the limit is applied."""
    head = list(rows.annotate(matches_in_all=Window(Count("pk")))[:limit])
    total = head[0].matches_in_all if head else 0
    return head, total - len(head)
