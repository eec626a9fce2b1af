"""Background work of the outputs, run by the task worker (``python manage.py db_worker``)."""

from django_tasks import task

from . import notifications


@task
def send_deadline_reminders() -> dict:
    """E-mail the officers their outputs coming due or overdue (see deadline_reminders_send)."""
    emails, outputs = notifications.deadline_reminders_send()
    return {"emails": emails, "outputs": outputs}


@task
def send_review_outcome(event_id: int) -> dict:
    """E-mail the officers of the country that their update was approved or returned."""
    return {"emails": notifications.review_outcome_send(event_id)}


@task
def send_review_digests() -> dict:
    """E-mail each coordinator their daily digest of updates submitted for review, once a day."""
    emails, updates = notifications.review_digests_send()
    return {"emails": emails, "updates": updates}
