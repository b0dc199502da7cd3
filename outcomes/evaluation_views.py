"""Evaluations: forms for the social worker and the volunteer, and the family's link."""
