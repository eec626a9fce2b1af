"""Background work through the task queue: tasks enqueued on the database backend and run by its
worker (db_worker), as in production."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus

from outputs.models import Output
from outputs.tasks import send_deadline_reminders
from testing.workers import run_worker


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_the_command_queues_the_reminders_and_the_worker_sends_them(users, mailoutbox):
    today = timezone.localdate()
    Output.objects.update(deadline=today + timedelta(days=365))
    Output.objects.filter(outcome__country__code="ZM", code="1.1").update(deadline=today + timedelta(days=3))
    out = io.StringIO()
    call_command("send_deadline_reminders", stdout=out)
    queued = re.fullmatch(r"Reminders queued for the task worker \(task ([0-9a-f-]{36})\)\.\n", out.getvalue())
    assert queued, out.getvalue()
    assert mailoutbox == []  # nothing is sent by the command itself

    run_worker()
    assert [message.to for message in mailoutbox] == [["officer-zm@example.org"]]
    assert "Zambia, Output 1.1" in mailoutbox[0].body
    result = send_deadline_reminders.get_result(queued.group(1))
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"emails": 1, "outputs": 1}
