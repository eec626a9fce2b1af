"""Kept figures follow the writes they depend on."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from outputs.models import StatusUpdate

from .models import MonthStatuses


@receiver([post_save, post_delete], sender=StatusUpdate, dispatch_uid="reporting.signals.forget_months")
def forget_months(sender: type[StatusUpdate], instance: StatusUpdate, **kwargs: Any) -> None:
    """A reviewed update written or removed removes its programme's kept figures from the month of its
    review on: none for a review made now (the current month is never kept), those of the months
    after a review dated in the past (the demo set-up's, a data fix's), which the next dashboard counts
    again. One statement; "now" is not trusted to tell, as the demo set-up moves it to each day it writes."""
    if instance.reviewed_at is None:
        return
    month = timezone.localdate(instance.reviewed_at).replace(day=1)
    MonthStatuses.objects.filter(programme__outcomes__outputs=instance.output_id, month__gte=month).delete()
