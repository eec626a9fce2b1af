"""Kept figures follow the writes they depend on."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from outputs.models import StatusUpdate

from .models import MonthStatuses


@receiver([post_save, post_delete], sender=StatusUpdate, dispatch_uid="reporting.signals.forget_months")
def forget_months(sender: type[StatusUpdate], instance: StatusUpdate, **kwargs: Any) -> None:
    """A reviewed update written or removed with a review date in a month that has ended (the demo
    set-up, a data fix) removes its programme's kept figures from that month on: the next dashboard
    counts them again. A review made now falls in the current month, which is never kept: no statement."""
    if instance.reviewed_at is None:
        return
    month = timezone.localdate(instance.reviewed_at).replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        return
    MonthStatuses.objects.filter(programme__outcomes__outputs=instance.output_id, month__gte=month).delete()
