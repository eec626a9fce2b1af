"""Background work of the outputs, run by the task worker (``python manage.py db_worker``).

The module is imported by the services, which queue the review e-mails: it reaches them through
the module (``services.deadline_reminders_send``), read when a task runs, not at import."""

from django_tasks import task

from . import notifications, services


@task
def send_deadline_reminders() -> dict:
    """E-mail the officers their outputs coming due or overdue (see deadline_reminders_send)."""
    emails, outputs = services.deadline_reminders_send()
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
