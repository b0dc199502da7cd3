"""`{{ number|tel }}`: a phone number as a `tel:` link's target (digits and a leading +)."""

import re

from django import template

register = template.Library()


@register.filter
def tel(number):
    number = (number or "").strip()
    digits = re.sub(r"\D", "", number)
    return f"+{digits}" if number.startswith("+") else digits
