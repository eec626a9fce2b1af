"""Database sessions read with the site version in the same round trip (SESSION_ENGINE).

Every signed-in request reads its session row; this store reads it with one plain statement, not
through the ORM, and brings the site version along (programme.models.SiteVersion), which tells
programme.request_user whether the account and grants it remembers are still current. Writing,
creating and deleting sessions are Django's own.
"""

from types import SimpleNamespace

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from .db import row_with_site_version


class SessionStore(DatabaseSessionStore):
    # None until loaded, and when the site version row is missing: then nothing remembered is used.
    site_version = None

    def _get_session_from_db(self):
        row = row_with_site_version(
            self.model, ["session_data"], [("session_key", "="), ("expire_date", ">")],
            [self.session_key, timezone.now()],
        )
        if row is None:
            self._session_key = None
            return None
        self.site_version = row[1]
        return SimpleNamespace(session_data=row[0])
