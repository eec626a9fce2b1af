import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.usefixtures("empty_database")
def test_admin_gets_demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "correct-horse-battery")
    call_command("create_demo_users", verbosity=0)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("correct-horse-battery")


@pytest.mark.usefixtures("empty_database")
def test_generated_password_is_printed_once(monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("create_demo_users")
    first = capsys.readouterr().out
    assert "Password for all of them: " in first
    password = first.split("Password for all of them: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    call_command("create_demo_users")
    second = capsys.readouterr().out
    assert "Password" not in second and "already exist" in second
    assert get_user_model().objects.get(username="admin").check_password(password)
