"""Health checks for load balancers and monitoring: no login, no session, never cached.

``/healthz`` answers whether this app server can reach its database (one ``SELECT 1``), and when it
cannot, 503 with ``Retry-After`` as the pages do; ``/healthz/live`` only that the process serves
requests (no database: the load test's ceiling). With a shared cache (CACHE_URL) it also says
whether that answers; without it the pages are built from the database, so the answer stays 200.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .cache_backend import TolerantRedisCache

logger = logging.getLogger(__name__)


# Outside ATOMIC_REQUESTS: opening the request's transaction would fail before the check could answer.
@transaction.non_atomic_requests
@never_cache
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    try:
        # A kept connection that died meanwhile is replaced first (CONN_HEALTH_CHECKS): only a
        # database out of reach is unhealthy.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Health check: database unavailable: %s", error)
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
        return response
    state = {"status": "ok", "database": "ok"}
    shared = caches["default"]
    if isinstance(shared, TolerantRedisCache):
        state["cache"] = "ok" if shared.reachable() else "unavailable"
    return JsonResponse(state)


@transaction.non_atomic_requests
@never_cache
@require_safe
def live(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
