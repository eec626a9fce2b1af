"""The header's language switcher: works without JavaScript, remembered in a cookie, kept on the
account of someone logged in and applied again when they log in elsewhere."""

import re

import pytest
from django.conf import settings
from django.test import Client

from core import services
from core.models import UserPreference
from core.selectors import user_language
from testing.seed import DEMO_PASSWORD

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.django_db
def test_login_page_offers_every_language_named_in_its_own_language():
    html = Client().get("/accounts/login/").content.decode()
    form = html[html.index('class="lang-switch"'):]
    form = form[: form.index("</form>")]
    assert 'action="/i18n/setlang/"' in html and 'method="post"' in html[html.index('class="lang-switch"') - 80:]
    assert '<label for="language-select"' in form and '<button type="submit"' in form
    for code, name in [("en", "English"), ("fr", "Français"), ("pt", "Português"), ("vi", "Tiếng Việt")]:
        assert f'<option value="{code}" lang="{code}"' in form and f">{name}</option>" in form


@pytest.mark.django_db
def test_choosing_a_language_logged_out_sets_a_lasting_cookie_and_returns_to_the_page():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "fr" and int(cookie["max-age"]) >= 300 * 24 * 3600 and cookie["httponly"]
    page = client.get("/accounts/login/")
    assert _html_lang(page) == "fr" and "Se connecter" in page.content.decode()
    assert page["Content-Language"] == "fr"


@pytest.mark.django_db
def test_an_unknown_language_or_a_foreign_next_changes_nothing_harmful():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil")
    assert COOKIE not in response.cookies
    assert client.get("/i18n/setlang/").status_code == 405


def test_the_choice_is_kept_on_the_account_and_applied_at_the_next_login(users, client_for):
    officer = users.officer_vn
    client_for(officer).post("/i18n/setlang/", {"language": "vi", "next": "/my-outputs/"})
    assert user_language(officer) == "vi"

    # Another device: no cookie, a browser asking for English.
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert _html_lang(elsewhere.get("/accounts/login/")) == "en"
    response = elsewhere.post("/accounts/login/", {"username": officer.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "vi"
    page = elsewhere.get("/my-outputs/")
    assert _html_lang(page) == "vi" and "Đầu ra của tôi" in page.content.decode()


def test_the_account_language_wins_over_the_browser_until_changed(users, client_for):
    services.user_language_set(user=users.coordinator, language="pt")
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.post("/accounts/login/", {"username": "coordinator", "password": DEMO_PASSWORD})
    client.cookies.pop(COOKIE, None)  # even with the cookie lost, the session keeps the account's choice
    assert _html_lang(client.get("/reviews/")) == "pt"

    client.post("/i18n/setlang/", {"language": "en", "next": "/reviews/"})
    assert _html_lang(client.get("/reviews/")) == "en"
    assert UserPreference.objects.get(user=users.coordinator).language == "en"


def test_someone_who_never_chose_follows_their_browser(users):
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-PT,pt;q=0.9")
    response = client.post("/accounts/login/", {"username": "donor", "password": DEMO_PASSWORD})
    assert COOKIE not in response.cookies
    assert _html_lang(client.get(response["Location"], follow=True)) == "pt"
    assert user_language(users.donor) == ""


@pytest.mark.django_db
def test_the_service_refuses_a_language_that_is_not_offered(django_user_model):
    from django.core.exceptions import ValidationError

    user = django_user_model.objects.create_user("someone")
    with pytest.raises(ValidationError):
        services.user_language_set(user=user, language="de")
    services.user_language_set(user=user, language="fr")
    services.user_language_set(user=user, language="vi")
    assert UserPreference.objects.get(user=user).language == "vi"


def test_an_admin_may_correct_someone_s_language(users, client_for):
    admin = client_for(users.admin)
    form = admin.get("/admin/core/userpreference/add/").content.decode()
    assert '<option value="vi">Tiếng Việt</option>' in form
    response = admin.post("/admin/core/userpreference/add/", {"user": users.officer_zm.pk, "language": "pt"})
    assert response.status_code == 302
    assert user_language(users.officer_zm) == "pt"
    refused = admin.post("/admin/core/userpreference/add/", {"user": users.officer_mz.pk, "language": "de"})
    assert refused.status_code == 200 and user_language(users.officer_mz) == ""
