"""Database sessions read with the site version in the same round trip (SESSION_ENGINE).

Every signed-in request reads its session row; this store reads it with one plain statement, not
through the ORM, and brings the site version along (programme.models.SiteVersion), which tells
programme.request_user whether the account and grants it remembers are still current. Writing,
creating and deleting sessions are Django's own.

Decoding the row (checking its signature, reading its JSON) is remembered per signed text: the same
text always decodes to the same data, and a changed session is a new text.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from .db import row_with_site_version

# Only sessions of plain values (what sign-in and this app store) are remembered, so that the copy
# handed out shares nothing mutable; emptied when full, about a megabyte at most.
_DECODED_MAX_ENTRIES = 2048
_PLAIN_VALUES = (str, int, float, bool, type(None))
_decoded = {}


class SessionStore(DatabaseSessionStore):
    # None until loaded, and when the site version row is missing: then nothing remembered is used.
    site_version = None

    def decode(self, session_data):
        # Keyed by the keys too: a text signed with a key no longer accepted must not decode.
        key = (settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS), session_data)
        data = _decoded.get(key)
        if data is None:
            data = super().decode(session_data)
            if data and all(isinstance(value, _PLAIN_VALUES) for value in data.values()):
                if len(_decoded) >= _DECODED_MAX_ENTRIES:
                    _decoded.clear()
                _decoded[key] = data
        return dict(data)

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
