"""What the reporting app keeps of its own: the progress of background exports."""

from django.db import models


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
