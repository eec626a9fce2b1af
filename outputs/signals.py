"""New data versions for direct saves of outputs (fixtures, the shell): see programme/signals.py.
The services touch the programme themselves, first, in the transaction that writes."""

from programme.models import Programme
from programme.signals import connect_touch

from .models import Output

connect_touch(Output, lambda o: Programme.objects.filter(outcomes=o.outcome_id))
