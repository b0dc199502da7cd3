"""The floor: the cheapest useful page the stack can serve.

A bare list of 25 families from the same PostgreSQL through the same gunicorn
and middleware, rendered by the template engine, with no sign-in and no
permission checks. Each page's requests per second are reported as a fraction
of this page's, measured the same way in the same run. Served only under
`bench.settings`: it shows case references to anyone.
"""

from functools import cache

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines

from families.models import Family

TEMPLATE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Floor</title></head>
<body><h1>Families</h1><table>
{% for reference, status, accepted_on in rows %}
<tr><td>{{ reference }}</td><td>{{ status }}</td><td>{{ accepted_on|date:"d/m/Y" }}</td></tr>
{% endfor %}
</table></body></html>"""


@cache
def _template():
    return engines["django"].from_string(TEMPLATE)


@login_not_required
def floor(request):
    rows = Family.objects.order_by("-pk").values_list("case_reference", "status", "accepted_on")
    return HttpResponse(_template().render({"rows": list(rows[:25])}, request))
