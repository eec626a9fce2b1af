"""Background work of the outputs, run by the task worker (``python manage.py db_worker``)."""

from django_tasks import task

from . import notifications, previews


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


@task
def remove_abandoned_previews() -> dict:
    """Remove the previewed uploads left unconfirmed past UPLOAD_PREVIEW_HOURS (outputs.previews);
    queued again while others wait, so that it runs every hour as long as there are any."""
    counts = previews.previews_remove_abandoned()
    if counts["waiting"]:
        previews.previews_sweep_schedule(again=True)
    return counts
