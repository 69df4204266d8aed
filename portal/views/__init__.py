"""The staff portal under /portal: server-rendered pages, no script needed.

One module per area, each with its own blueprint (its name is the first part
of a route's name for `url_for`, e.g. `intake.detail`):

    account     log in (password, then TOTP), log out, the page language
    queue       the list of intakes, with filters
    intake      one intake and what staff do with it (reveal, status, assign, notes)
    staff_api   the same intakes as JSON for staff tooling
    statistics  aggregate counts, as charts and CSV
    campaigns   the campaign funnel (charts, table, CSV) and the posters to download
    admin       the audit log and the provider's users

Every page goes through `page.page(...)` (session, role, CSRF, one transaction).
"""

from __future__ import annotations

from sanic import Blueprint
from sanic.blueprint_group import BlueprintGroup

from portal.views import account, admin, campaigns, intake, queue, staff_api, statistics

PREFIX = "/portal"


def blueprints() -> BlueprintGroup:
    """Every area's blueprint, under /portal."""
    return Blueprint.group(account.bp, queue.bp, intake.bp, staff_api.bp, statistics.bp, campaigns.bp, admin.bp,
                           url_prefix=PREFIX)
