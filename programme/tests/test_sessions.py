"""The session store (programme/sessions.py): its decoding remembered per signed text, never
beyond what Django's own decoding accepts."""

import pytest

from programme import sessions
from programme.sessions import SessionStore


@pytest.fixture(autouse=True)
def nothing_remembered():
    sessions._decoded.clear()
    yield
    sessions._decoded.clear()


def signed(data):
    return SessionStore().encode(data)


def test_a_session_decodes_to_its_data_and_each_reader_gets_its_own_copy():
    text = signed({"_auth_user_id": "9", "_session_seen": 1795760198})
    first = SessionStore().decode(text)
    assert first == {"_auth_user_id": "9", "_session_seen": 1795760198}
    assert len(sessions._decoded) == 1
    first["_session_seen"] = 0  # a request changing its session
    assert SessionStore().decode(text) == {"_auth_user_id": "9", "_session_seen": 1795760198}


def test_a_text_signed_with_a_key_no_longer_accepted_does_not_decode(settings):
    text = signed({"_auth_user_id": "9"})
    assert SessionStore().decode(text) == {"_auth_user_id": "9"}
    settings.SECRET_KEY = "another-secret-key-of-enough-length-for-django-to-accept-it-0123"
    assert SessionStore().decode(text) == {}
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY, "x"]  # not the key it was signed with
    assert SessionStore().decode(text) == {}


def test_a_tampered_text_decodes_to_nothing_and_is_not_remembered():
    text = signed({"_auth_user_id": "9"})
    tampered = text.replace(text[2], "A" if text[2] != "A" else "B", 1)
    assert SessionStore().decode(tampered) == {}
    assert sessions._decoded == {}


def test_sessions_holding_lists_or_dicts_are_decoded_afresh_each_time():
    text = signed({"basket": [1, 2]})
    first = SessionStore().decode(text)
    first["basket"].append(3)
    assert SessionStore().decode(text) == {"basket": [1, 2]}
    assert sessions._decoded == {}


def test_the_memory_is_emptied_when_full(monkeypatch):
    monkeypatch.setattr(sessions, "_DECODED_MAX_ENTRIES", 3)
    texts = [signed({"n": n}) for n in range(4)]
    for text in texts:
        SessionStore().decode(text)
    assert len(sessions._decoded) == 1  # the fourth, after the first three were let go
    assert [SessionStore().decode(text)["n"] for text in texts] == [0, 1, 2, 3]
