"""New data versions for direct saves of outputs, updates, evidence and review events (the admin,
history reverts): see programme/signals.py."""

from programme.models import Programme
from programme.signals import connect_touch

from .models import Evidence, Output, ReviewEvent, StatusUpdate


def _programmes(**lookup):
    return Programme.objects.filter(**lookup)


connect_touch(Output, lambda o: _programmes(outcomes__outputs=o.pk), lambda o: _programmes(outcomes=o.outcome_id))
connect_touch(StatusUpdate, lambda u: _programmes(outcomes__outputs__updates=u.pk),
              lambda u: _programmes(outcomes__outputs=u.output_id))
connect_touch(Evidence, lambda e: _programmes(outcomes__outputs__updates__evidence=e.pk),
              lambda e: _programmes(outcomes__outputs__updates=e.update_id))
connect_touch(ReviewEvent, lambda e: _programmes(pk=e.programme_id), lambda e: _programmes(pk=e.programme_id))
