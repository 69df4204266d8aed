"""Retention limits on real databases: contact details after 30 days, closed or
withdrawn intakes after 180 (both configurable)."""

import datetime as dt

from sqlalchemy import func, select, update

from portal.models import AuditEvent, Intake, Note
from tests.portal import helpers

NOW = dt.datetime.now(dt.timezone.utc)


def age(server, reference: str, **values):
    async def apply(session):
        await session.execute(update(Intake).where(Intake.reference == reference).values(**values))

    helpers.run(apply, server.db_url)


def read(server, reference: str, intake_id: str = ""):
    async def get(session):
        intake = await session.scalar(select(Intake).where(Intake.reference == reference))
        notes = await session.scalar(select(func.count()).select_from(Note).where(Note.intake_id == intake_id))
        return intake, notes

    return helpers.run(get, server.db_url)


def test_purge_erases_old_contacts_and_deletes_old_closed_intakes(server):
    recent, month_old, closed_long_ago, closed_recently = (helpers.intake() for _ in range(4))
    for body in (recent, month_old, closed_long_ago, closed_recently):
        assert helpers.send(server.base_url, body).status_code == 201
    client, _ = helpers.logged_in(server, "marta", "staff")
    client.get(f"/portal/intakes/{closed_long_ago['reference']}")
    client.post(f"/portal/intakes/{closed_long_ago['reference']}/notes", {"note": "old note"})
    assert read(server, closed_long_ago["reference"], closed_long_ago["id"])[1] == 1
    age(server, month_old["reference"], received_at=NOW - dt.timedelta(days=31))
    age(server, closed_long_ago["reference"], received_at=NOW - dt.timedelta(days=200), status="closed",
        closed_at=NOW - dt.timedelta(days=181))
    age(server, closed_recently["reference"], status="closed", closed_at=NOW - dt.timedelta(days=179))

    result = server.cli("purge")
    assert result.returncode == 0, result.stderr

    intake, _ = read(server, recent["reference"])
    assert intake.contact_sealed is not None
    intake, _ = read(server, month_old["reference"])
    assert intake.contact_sealed is None and intake.contact_erased_at is not None and intake.status == "new"
    assert read(server, closed_long_ago["reference"], closed_long_ago["id"]) == (None, 0)  # notes went too
    intake, _ = read(server, closed_recently["reference"])
    assert intake is not None

    async def purges(session):
        return (await session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "purge"))).all()

    assert any('"intakes_deleted": ' in detail for detail in helpers.run(purges, server.db_url))
    # erased contact shows as erased, not as a reveal button
    page = client.get(f"/portal/intakes/{month_old['reference']}").text
    assert "Contact details were erased." in page and 'id="reveal"' not in page


def test_retention_periods_are_configurable(server):
    body = helpers.intake()
    helpers.send(server.base_url, body)
    age(server, body["reference"], received_at=NOW - dt.timedelta(days=3))
    assert server.cli("purge", extra_env={"PORTAL_CONTACT_RETENTION_DAYS": "5"}).returncode == 0
    assert read(server, body["reference"])[0].contact_sealed is not None
    assert server.cli("purge", extra_env={"PORTAL_CONTACT_RETENTION_DAYS": "2"}).returncode == 0
    assert read(server, body["reference"])[0].contact_sealed is None


def test_purge_deletes_funnel_counts_older_than_the_retention_weeks(server):
    from portal import funnel
    from portal.models import FunnelCount

    code = "retention-" + helpers.new_reference().lower()
    today = dt.date.today()
    ages = {weeks: funnel.iso_week(today - dt.timedelta(weeks=weeks)) for weeks in (0, 10, 155, 156, 157, 400)}

    async def insert(session):
        for week in ages.values():
            session.add(FunnelCount(week=week, campaign=code, language="uz", channel="web", step="chat_opened",
                                    count=9))

    async def weeks_left(session):
        return set((await session.scalars(select(FunnelCount.week).where(FunnelCount.campaign == code))).all())

    helpers.run(insert, server.db_url)
    result = server.cli("purge")
    assert result.returncode == 0, result.stderr
    assert "funnel counts deleted: " in result.stdout
    # 156 weeks by default: the week that began 156 weeks ago is the oldest kept
    assert helpers.run(weeks_left, server.db_url) == {ages[w] for w in (0, 10, 155, 156)}
    assert server.cli("purge", extra_env={"PORTAL_FUNNEL_RETENTION_WEEKS": "10"}).returncode == 0
    assert helpers.run(weeks_left, server.db_url) == {ages[0], ages[10]}
