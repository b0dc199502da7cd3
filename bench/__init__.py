"""`make bench`: ViCP's pages measured against programme-scale data.

Seed a PostgreSQL database first (`manage.py seed_scale`, see README "Benchmarks"),
then `make bench` runs `bench.run`, which prints, with the targets beside them:

- per main page, its SQL queries and its server time (median, p95), in-process
  (`bench.pages`);
- per main page, its requests per second through gunicorn as a fraction of the
  *floor*'s, a bare 25-row list served by the same gunicorn from the same
  database (`bench.floor`, `bench.throughput`): a ratio taken in one run
  survives a noisy machine better than absolute figures;
- the visit form's weight as transferred, with its CSS and JavaScript
  (`bench.transfer`);
- a load test with locust, 20 users following the three roles' journeys
  (`bench.load`, `bench.locustfile`);
- the impact report's render time and peak memory (`bench.report`).

The floor exists only under `bench.settings` (`bench.urls`); production URLs
(`vicp.urls`) never include it.
"""
