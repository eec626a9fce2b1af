"""Password reset: the same answer for every address, the mail sent by the task worker in the
person's language, throttled per address and per client address, and a link that sets a password."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

from core.models import UserPreference
from core.passwords import send_password_reset
from testing.workers import run_worker

PAGE = "/accounts/password_reset/"
IP = "203.0.113.50"


def ask(email, ip=IP, language=None):
    client = Client(REMOTE_ADDR=ip)
    if language:
        client.cookies["django_language"] = language
    return client.post(PAGE, {"email": email})


def run_queued():
    """Run the queued reset tasks as the worker would (the worker itself: test_sent_by_the_worker)."""
    for queued in DBTaskResult.objects.filter(task_path="core.passwords.send_password_reset"):
        send_password_reset.call(**queued.args_kwargs["kwargs"])


def test_the_page_is_in_the_site_layout_and_linked_from_login(db):
    login = Client().get("/accounts/login/").content.decode()
    assert f'href="{PAGE}"' in login
    page = Client().get(PAGE)
    body = page.content.decode()
    assert page.status_code == 200 and 'class="site-header"' in body and 'name="csrfmiddlewaretoken"' in body


def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(users):
    known, unknown = ask("officer-mw@example.org"), ask("nobody-here@example.org", ip="198.51.100.9")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password_reset/done/"
    assert DBTaskResult.objects.count() == 2  # a task queued for each: nothing sent or looked up in the request
    assert mail.outbox == []
    done = Client().get(known["Location"]).content.decode()
    assert "If an account has this address" in done
    run_queued()
    assert [message.to for message in mail.outbox] == [["officer-mw@example.org"]]


def test_the_mail_is_in_the_language_the_person_chose(users):
    UserPreference.objects.create(user=users.officer_mw, language="fr")
    ask("officer-mw@example.org", language="pt")
    run_queued()
    (message,) = mail.outbox
    assert message.subject == "Définir un nouveau mot de passe pour le suivi des produits"
    assert "Bonjour" in message.body and "officer-mw" in message.body


def test_without_a_choice_the_mail_is_in_the_language_asked_in(users):
    ask("officer-zm@example.org", language="vi")
    run_queued()
    (message,) = mail.outbox
    assert message.subject == "Đặt mật khẩu mới cho Theo dõi đầu ra"


def test_the_link_sets_a_new_password_once_and_ends_the_token(users):
    Token.objects.create(user=users.officer_mw)
    ask("officer-mw@example.org")
    run_queued()
    link = re.search(r"http://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    client = Client()
    form_page = client.get(urlsplit(link).path, follow=True)
    assert "Set a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Fresh-harvest-2031", "new_password2": "Fresh-harvest-2031"})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert not Token.objects.filter(user=users.officer_mw).exists()
    signed_in = Client().post("/accounts/login/", {"username": "officer-mw", "password": "Fresh-harvest-2031"})
    assert signed_in.status_code == 302 and signed_in.wsgi_request.user.is_authenticated
    again = Client().get(urlsplit(link).path, follow=True).content.decode()
    assert "This link does not work any more" in again


def test_throttled_per_address(users):
    for number in range(3):
        assert ask("officer-mw@example.org", ip=f"198.51.100.{number}").status_code == 302
    refused = ask("Officer-MW@example.org", ip="198.51.100.99")  # the same address, from elsewhere
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "too often" in refused.content.decode()
    assert ask("nobody@example.org", ip="198.51.100.99").status_code == 302  # another address is served
    assert DBTaskResult.objects.count() == 4


def test_throttled_per_client_address(users):
    for number in range(20):
        assert ask(f"person-{number}@example.org").status_code == 302
    assert ask("officer-mw@example.org").status_code == 429
    assert ask("officer-mw@example.org", ip="198.51.100.7").status_code == 302


def test_an_unknown_address_is_throttled_as_a_known_one(users):
    answers = [ask("nobody-here@example.org", ip=f"192.0.2.{n}").status_code for n in range(4)]
    assert answers == [302, 302, 302, 429]


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_sent_by_the_worker(users):
    ask("officer-mz@example.org")
    assert mail.outbox == []
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["officer-mz@example.org"] and "/accounts/reset/" in message.body
