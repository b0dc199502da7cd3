"""The one stream of random draws a plan is made from, the calendar it is drawn on,
and the reference data it picks from."""

import datetime
import random

from bench.seed import vocabulary as words

DAY = datetime.timedelta(days=1)
FAMILY_YEARS = 5.4  # families are accepted over this many years before `today`


class Draws:
    def __init__(self, seed, today, reference):
        self.reference = reference  # a ReferenceData
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.today = today
        self.family_start = today - datetime.timedelta(days=int(FAMILY_YEARS * 365))

    def days(self, low, high):
        return datetime.timedelta(days=self.rng.randint(low, high))

    def name(self):
        return self.rng.choice(words.FIRST_NAMES), self.rng.choice(words.SURNAMES)

    def postcode(self, project):
        rng, letters = self.rng, words.POSTCODE_LETTERS
        inward = f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        return f"{project.area}{rng.randint(1, 20)} {inward}"

    def phone(self):
        return f"07700 9{self.rng.randint(0, 99999):05d}"
