"""Matching what someone typed into the search box against names and references.

On PostgreSQL a name also matches by trigram word similarity (pg_trgm), so a misspelt
name ("Jayden" for "Jaydon") is still found; elsewhere (SQLite, for development) only
a plain substring matches. Each app searches its own records through its own
selectors with these helpers, so nobody finds what they may not see.
"""

from django.db import connection
from django.db.models import Q

# Shorter than this, a search would match nearly everything; longer, it is not a name.
MIN_LENGTH = 2
MAX_LENGTH = 100


def cleaned(typed: str) -> str:
    """What was typed, as searched for: no control characters (PostgreSQL stores no NUL),
    spaces folded, at most MAX_LENGTH characters."""
    printable = "".join(" " if not character.isprintable() else character for character in typed)
    return " ".join(printable.split())[:MAX_LENGTH]


def long_enough(query: str) -> bool:
    """A number (a referral's) of any length; otherwise MIN_LENGTH characters."""
    return query.isdigit() or len(query) >= MIN_LENGTH


def fuzzy() -> bool:
    """Whether names match by similarity as well as by substring."""
    return connection.vendor == "postgresql"


def names_matching(query: str, *fields: str) -> Q:
    """Rows where any of `fields` contains `query`, or (on PostgreSQL) has a word like it."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": query})
        if fuzzy():
            # Similar as a whole (a misspelt name) or to a word within (one name of several).
            condition |= Q(**{f"{field}__trigram_similar": query})
            condition |= Q(**{f"{field}__trigram_word_similar": query})
    return condition


def compact(text: str) -> str:
    """Text without its spaces, to match a postcode however it is typed."""
    return "".join(text.split())
