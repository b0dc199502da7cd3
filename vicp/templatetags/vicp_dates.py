"""Dates in templates, as vicp/dates.py writes them: `{{ visit.visited_on|day }}`,
`|weekday`, `|moment`, `|moment_seconds`. Built into every template (settings.TEMPLATES)."""

from django import template

from vicp import dates

register = template.Library()

for style in (dates.day, dates.weekday, dates.moment, dates.moment_seconds):
    register.filter(style.__name__, style, expects_localtime=True)
