"""Background work of the outputs, run by the task worker (``python manage.py db_worker``)."""

from django_tasks import task

from .services import deadline_reminders_send


@task
def send_deadline_reminders() -> dict:
    """E-mail the officers their outputs coming due or overdue (see deadline_reminders_send)."""
    emails, outputs = deadline_reminders_send()
    return {"emails": emails, "outputs": outputs}
