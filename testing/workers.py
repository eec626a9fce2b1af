"""Work outside the test's own steps: the task queue's worker run in this process, and jobs run at the
same moment in threads of their own."""

import signal
import threading
from collections.abc import Callable, Mapping
from typing import Any

from django.core.management import call_command
from django.db import connection


def run_worker() -> None:
    """Run every queued task, as ``manage.py db_worker --batch`` does, in this process (its test
    database). Like a request, the worker closes its database connection when done, so a test that
    runs it must be transactional (``django_db(transaction=True)``). The worker takes over SIGINT
    and SIGTERM for a graceful stop: they are given back."""
    stops = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = [signal.getsignal(number) for number in stops]
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        for number, handler in zip(stops, handlers, strict=False):
            signal.signal(number, handler)


def run_together(jobs: Mapping[str, Callable[[], Any]], *, concurrently: bool = True) -> dict[str, Any]:
    """Each job in its own thread with its own database connection, released together (or, with
    ``concurrently=False``, one after the other); their results by name. An exception in a job is
    raised in the test's thread."""
    barrier = threading.Barrier(len(jobs))
    results: dict[str, Any] = {}
    errors: list[BaseException] = []

    def work(name: str, job: Callable[[], Any]) -> None:
        try:
            if concurrently:
                barrier.wait(timeout=10)
            results[name] = job()
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
        if not concurrently:
            thread.join()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def assert_overlapped(claims: list[tuple[float, float]]) -> None:
    """Two revision claims (the ``revision_claims`` fixture), the second made before the first had
    ended: both requests passed the If-Match check, and the second waited on the first's row."""
    assert len(claims) == 2
    (_, first_end), (second_start, _) = sorted(claims)
    assert second_start < first_end
