"""What the reporting app keeps of its own: the progress of background exports, and the statuses of
each programme's outputs at the end of the months that have ended."""

from django.db import models

from programme.models import Programme


class ExportProgress(models.Model):
    """A background export's sign of life: the task writing it records here, every third of
    EXPORT_WORKER_SILENT_SECONDS at most, how many rows it has written. The job's page tells from it
    an export still being built, however long it takes, from one whose worker died mid-way (the task
    queue records which worker took a task, not whether it is still alive). Shown to no one as such."""

    job = models.UUIDField(primary_key=True)  # the task result's id
    rows = models.PositiveIntegerField(default=0)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.job}: {self.rows} rows at {self.beat_at}"


class MonthStatuses(models.Model):
    """A programme's outputs by reported status at the end of a month that has ended, counted once by
    the database (``months.statuses_by_month``) and read by every dashboard after. Approvals are
    dated when they are made, so nothing later changes an ended month; a write dated into one (the
    demo set-up, a data fix) removes the figures from that month on (``reporting.signals``)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    # {status: outputs}, reported statuses only: those not reported are the programme's other outputs.
    counts = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "month"], name="month_statuses_once")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.month:%Y-%m}: {self.counts}"
