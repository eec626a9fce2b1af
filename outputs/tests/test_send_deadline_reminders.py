"""Deadline reminders: each officer is e-mailed their countries' outputs due within 30 or 7 days or
overdue, without an approved Achieved or Cancelled status, and never twice for the same thing."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from outputs import notifications
from outputs.models import Output, ReminderSent
from outputs.notifications import deadline_reminders_send
from outputs.services.output_edits import output_edit
from testing.workflow import due_in


@pytest.fixture
def quiet(users):
    """Nothing due: every output a year away. Tests then bring chosen outputs near."""
    Output.objects.update(deadline=timezone.localdate() + timedelta(days=365))
    return users


def _sent(mailoutbox):
    """{recipient: [message, ...]}"""
    result = {}
    for message in mailoutbox:
        for recipient in message.to:
            result.setdefault(recipient, []).append(message)
    return result


def _reminded(user):
    return sorted(
        ReminderSent.objects.filter(user=user).values_list("output__outcome__country__code", "output__code",
                                                           "threshold")
    )


def test_command_emails_each_officer_their_countries_outputs(quiet, workflow, mailoutbox):
    users = quiet
    in_20 = due_in(workflow.output("MW", "1.1"), 20)
    in_3 = due_in(workflow.output("MW", "1.2"), 3)
    overdue = due_in(workflow.output("MW", "1.3"), -4)
    zambia = due_in(workflow.output("ZM", "1.1"), 10)
    due_in(workflow.output("MW", "1.4"), 31)  # outside every window

    out = io.StringIO()
    call_command("send_deadline_reminders", "--now", stdout=out)
    # officer-mw and officer-mw2 (Malawi, 3 outputs each) and officer-zm (1 output).
    assert out.getvalue().strip() == "3 reminder e-mails sent, covering 7 outputs."

    sent = _sent(mailoutbox)
    assert sorted(sent) == ["officer-mw2@example.org", "officer-mw@example.org", "officer-zm@example.org"]
    assert all(len(messages) == 1 for messages in sent.values())

    malawi = sent["officer-mw@example.org"][0]
    assert malawi.subject == "Output tracker: 3 outputs need attention"
    body = malawi.body
    assert body.startswith("Hello Chikondi Banda,")
    # Soonest deadline first: the overdue one, then in 3 days, then in 20.
    lines = [line for line in body.splitlines() if line.startswith("- Malawi, Output ")]
    assert [line.split(":")[0] for line in lines] == [
        "- Malawi, Output 1.3", "- Malawi, Output 1.2", "- Malawi, Output 1.1",
    ]
    assert "(4 days overdue)" in body and "(3 days left)" in body and "(20 days left)" in body
    for output in (in_20, in_3, overdue):
        assert f"http://127.0.0.1:8000/outputs/{output.pk}/update/" in body
    assert "Zambia" not in body and "Output 1.4" not in body

    zambia_mail = sent["officer-zm@example.org"][0]
    assert zambia_mail.subject == "Output tracker: 1 output needs attention"
    assert "- Zambia, Output 1.1" in zambia_mail.body and "(10 days left)" in zambia_mail.body
    assert f"/outputs/{zambia.pk}/update/" in zambia_mail.body
    assert "Malawi" not in zambia_mail.body

    assert _reminded(users.officer_mw) == [("MW", "1.1", "30d"), ("MW", "1.2", "7d"), ("MW", "1.3", "overdue")]
    assert _reminded(users.coordinator) == [] and _reminded(users.donor) == []


def test_running_twice_sends_nothing_new(quiet, workflow, mailoutbox):
    due_in(workflow.output("MW", "1.1"), 20)
    due_in(workflow.output("VN", "1.1"), -1)
    assert deadline_reminders_send() == (3, 3)  # officer-mw, officer-mw2, officer-vn
    assert len(mailoutbox) == 3
    rows = ReminderSent.objects.count()

    assert deadline_reminders_send() == (0, 0)
    out = io.StringIO()
    call_command("send_deadline_reminders", "--now", stdout=out)
    assert out.getvalue().strip() == "0 reminder e-mails sent, covering 0 outputs."
    assert len(mailoutbox) == 3 and ReminderSent.objects.count() == rows


def test_seed_programme_overdue_outputs_are_sent_once(users, mailoutbox):
    """The seed's 2025 deadlines are all past: each officer gets one e-mail, once."""
    emails, outputs = deadline_reminders_send()
    expected = {
        "officer-mw@example.org": "MW", "officer-mw2@example.org": "MW", "officer-mz@example.org": "MZ",
        "officer-vn@example.org": "VN", "officer-zm@example.org": "ZM", "officer-global@example.org": None,
    }
    assert sorted(_sent(mailoutbox)) == sorted(expected)
    total = 0
    for address, code in expected.items():
        count = Output.objects.filter(outcome__country__code=code).count() if code else (
            Output.objects.filter(outcome__country__slug="global").count()
        )
        total += count
        (message,) = _sent(mailoutbox)[address]
        assert message.subject == f"Output tracker: {count} outputs need attention"
    assert (emails, outputs) == (6, total)
    assert set(ReminderSent.objects.values_list("threshold", flat=True)) == {"overdue"}
    assert deadline_reminders_send() == (0, 0)
    assert len(mailoutbox) == 6


def test_crossing_into_the_7_day_window_sends_again(quiet, workflow, mailoutbox):
    users = quiet
    start = timezone.localdate()
    output = due_in(workflow.output("MZ", "1.1"), 20, today=start)

    def mz_mails():
        return [m for m in mailoutbox if m.to == ["officer-mz@example.org"]]

    deadline_reminders_send(today=start)
    assert len(mz_mails()) == 1 and "(20 days left)" in mz_mails()[0].body
    deadline_reminders_send(today=start + timedelta(days=12))  # 8 days left: still the 30-day window
    assert len(mz_mails()) == 1
    deadline_reminders_send(today=start + timedelta(days=13))  # 7 days left
    assert len(mz_mails()) == 2 and "(7 days left)" in mz_mails()[1].body
    deadline_reminders_send(today=start + timedelta(days=20))  # due today
    assert len(mz_mails()) == 2
    deadline_reminders_send(today=start + timedelta(days=21))  # overdue
    assert len(mz_mails()) == 3 and "(1 day overdue)" in mz_mails()[2].body
    deadline_reminders_send(today=start + timedelta(days=60))
    assert len(mz_mails()) == 3
    assert _reminded(users.officer_mz) == [("MZ", "1.1", "30d"), ("MZ", "1.1", "7d"), ("MZ", "1.1", "overdue")]
    assert set(ReminderSent.objects.filter(user=users.officer_mz).values_list("deadline", flat=True)) == {
        output.deadline
    }


@pytest.mark.parametrize(
    ("days", "threshold"),
    [(31, None), (30, "30d"), (8, "30d"), (7, "7d"), (1, "7d"), (0, "7d"), (-1, "overdue"), (-400, "overdue")],
)
def test_window_boundaries(quiet, workflow, mailoutbox, days, threshold):
    output = due_in(workflow.output("VN", "1.1"), days)
    deadline_reminders_send()
    assert _reminded(quiet.officer_vn) == ([("VN", "1.1", threshold)] if threshold else [])
    assert len(mailoutbox) == (1 if threshold else 0)
    assert notifications.reminder_threshold(output.deadline, timezone.localdate()) == threshold


@pytest.mark.parametrize(
    ("status", "approved", "chased"),
    [
        ("achieved", True, False),
        ("cancelled", True, False),
        ("achieved", False, True),  # awaiting review: not yet the reported status
        ("at_risk", True, True),
        ("on_track", True, True),
    ],
)
def test_closed_outputs_are_not_chased(quiet, workflow, mailoutbox, status, approved, chased):
    users = quiet
    output = due_in(workflow.output("ZM", "1.1"), 5)
    update = workflow.save(output, users.officer_zm, status=status, progress=100,
                           narrative="Closed by the steering committee.")
    if approved:
        workflow.approve(update, users.coordinator)
    deadline_reminders_send()
    assert bool(_sent(mailoutbox).get("officer-zm@example.org")) is chased
    assert ReminderSent.objects.filter(output=output).exists() is chased


def test_achieved_after_a_reminder_stops_the_chase(quiet, workflow, mailoutbox):
    users = quiet
    start = timezone.localdate()
    output = due_in(workflow.output("ZM", "1.1"), 20)
    deadline_reminders_send(today=start)
    assert len(mailoutbox) == 1
    workflow.approve(workflow.save(output, users.officer_zm, status="achieved", progress=100),
                     users.coordinator)
    deadline_reminders_send(today=start + timedelta(days=15))
    deadline_reminders_send(today=start + timedelta(days=25))
    assert len(mailoutbox) == 1


def test_an_officer_only_gets_their_own_countries(quiet, workflow, mailoutbox):
    for code in ("MW", "MZ", "VN", "ZM"):
        due_in(workflow.output(code, "1.1"), 6)
    global_output = Output.objects.filter(outcome__country__slug="global").order_by("pk").first()
    due_in(global_output, 6)
    deadline_reminders_send()
    sent = _sent(mailoutbox)
    for username, country in (("officer-mw", "Malawi"), ("officer-mz", "Mozambique"),
                              ("officer-vn", "Viet Nam"), ("officer-zm", "Zambia"),
                              ("officer-global", "Global")):
        (message,) = sent[f"{username}@example.org"]
        listed = [line for line in message.body.splitlines() if line.startswith("- ")]
        assert len(listed) == 1 and listed[0].startswith(f"- {country}, Output "), (username, listed)
    assert "coordinator@example.org" not in sent and "donor@example.org" not in sent
    assert "nogrant@example.org" not in sent and "admin@example.org" not in sent


def test_a_changed_deadline_is_reminded_again(quiet, workflow, mailoutbox):
    users = quiet
    output = due_in(workflow.output("MW", "1.1"), 5)
    deadline_reminders_send()
    before = len(_sent(mailoutbox)["officer-mw@example.org"])
    assert before == 1

    output.refresh_from_db()
    output_edit(output=output, user=users.coordinator, base_revision=output.revision,
                         deadline=timezone.localdate() + timedelta(days=6), reason="Moved by a day")
    deadline_reminders_send()
    mails = _sent(mailoutbox)["officer-mw@example.org"]
    assert len(mails) == 2 and "(6 days left)" in mails[1].body
    assert sorted(
        ReminderSent.objects.filter(user=users.officer_mw).values_list("threshold", "deadline")
    ) == [("7d", timezone.localdate() + timedelta(days=5)), ("7d", timezone.localdate() + timedelta(days=6))]
    deadline_reminders_send()
    assert len(_sent(mailoutbox)["officer-mw@example.org"]) == 2


def test_inactive_officers_and_officers_without_email_are_skipped(quiet, workflow, mailoutbox):
    users = quiet
    due_in(workflow.output("MW", "1.1"), 5)
    users.officer_mw.is_active = False
    users.officer_mw.save()
    users.officer_mw2.email = ""
    users.officer_mw2.save()
    assert deadline_reminders_send() == (0, 0)
    assert mailoutbox == [] and ReminderSent.objects.count() == 0


def test_a_failed_send_is_retried_next_run(quiet, workflow, mailoutbox, monkeypatch):
    due_in(workflow.output("VN", "1.1"), 3)
    real_send_mail = notifications.send_mail

    def broken(**kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    with pytest.raises(ConnectionRefusedError):
        deadline_reminders_send()
    assert ReminderSent.objects.count() == 0  # not recorded as sent

    monkeypatch.setattr(notifications, "send_mail", real_send_mail)
    assert deadline_reminders_send() == (1, 1)
    assert [m.to for m in mailoutbox] == [["officer-vn@example.org"]]
