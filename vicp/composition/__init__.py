"""The composition layer: what brings several apps together.

The kernel (the rest of `vicp/`) knows no app, and each app knows only the kernel
and the apps below it (`outcomes` > `families` > `referrals` | `volunteers`).
Whatever needs more than that lives here: each role's home page, the family
case page (families with their outcomes), the daily reminders and the weekly
digest, retention, the subject access export, demo seeding, and the beat tasks
and management commands that run them. Only `vicp/urls.py` imports this
package; no app does (`make lint` checks it). See docs/architecture.md.
"""
