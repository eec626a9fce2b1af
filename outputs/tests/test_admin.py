"""The admin answers 200 to a superuser on every page staff use, and shows the repeated-code warning."""

import datetime

import pytest
from django.urls import reverse

from outputs.models import Evidence, Output, ReminderSent, ReviewEvent, StatusUpdate
from programme.models import AccessGrant, Country, Outcome, Programme, Region
from testing.workflow import approve, save_update


@pytest.fixture
def admin_client_seed(admin_client, seed_programme):
    return admin_client


MODELS = [Region, Country, Programme, Outcome, Output]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages(admin_client_seed, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client_seed.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert admin_client_seed.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
    obj = model.objects.first()
    assert admin_client_seed.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200


def test_index(admin_client_seed):
    assert admin_client_seed.get(reverse("admin:index")).status_code == 200


def test_output_changelist_columns_filters_and_warning(admin_client_seed, seed_programme):
    url = reverse("admin:outputs_output_changelist")
    response = admin_client_seed.get(url)
    content = response.content.decode()
    assert "63 outputs" in content
    assert "Data quality: 2 outputs share their code" in content
    Output.objects.filter(outcome__country__code="VN", code="1.1").update(deadline=datetime.date(2026, 6, 30))
    # Each filter narrows the list: Malawi's 12 outputs, the 17 of outcomes numbered 2, the 62 due in
    # 2025, the two sharing Zambia's code 2.1, the 9 mentioning Convention No. 102.
    for param, count in [
        (f"outcome__programme__id__exact={seed_programme.pk}", 63),
        (f"outcome__country__id__exact={Country.objects.get(code='MW').pk}", 12),
        ("outcome_number=2", 17),
        ("deadline__year=2025", 62),
        ("deadline__year=2026", 1),
        ("repeated_code=yes", 2),
        ("q=Convention+No.+102", 9),
        ("o=1", 63),
        ("o=-5", 63),
    ]:
        response = admin_client_seed.get(f"{url}?{param}")
        assert response.status_code == 200, param
        assert response.context["cl"].result_count == count, param
    repeated = admin_client_seed.get(f"{url}?repeated_code=yes").content.decode()
    assert "2 outputs" in repeated and repeated.count("⚠ repeated code") == 2
    malawi = admin_client_seed.get(f"{url}?outcome__country__id__exact={Country.objects.get(code='MW').pk}")
    assert "12 outputs" in malawi.content.decode()


def test_output_changelist_natural_order(admin_client_seed):
    outcome = Outcome.objects.get(country__code="MW", number=1)
    Output.objects.create(outcome=outcome, code="1.10", title="Tenth output", deadline="2026-01-01")
    content = admin_client_seed.get(reverse("admin:outputs_output_changelist") + "?q=Tenth+output").content.decode()
    assert "Tenth output" in content
    page = admin_client_seed.get(
        reverse("admin:outputs_output_changelist") + f"?outcome__country__id__exact={outcome.country_id}"
    ).content.decode()
    assert page.index(">1.2<") < page.index(">1.10<")


def test_outcome_page_shows_outputs_inline(admin_client_seed):
    outcome = Outcome.objects.get(country__code="ZM", number=2)
    content = admin_client_seed.get(reverse("admin:programme_outcome_change", args=[outcome.pk])).content.decode()
    assert content.count('name="outputs-') > 0
    assert "Studies are conducted" in content


def test_output_history_page(admin_client_seed):
    output = Output.objects.first()
    url = reverse("admin:outputs_output_history", args=[output.pk])
    assert admin_client_seed.get(url).status_code == 200


def test_admin_edit_of_output_is_recorded(admin_client_seed, admin_user):
    output = Output.objects.get(outcome__country__code="MW", code="1.3")
    url = reverse("admin:outputs_output_change", args=[output.pk])
    response = admin_client_seed.post(url, {
        "outcome": output.outcome_id, "code": "1.3", "title": "New text", "deadline": "2026-03-31", "position": 3,
    })
    assert response.status_code == 302
    output.refresh_from_db()
    assert output.title == "New text"
    latest = output.history.first()
    assert latest.history_user == admin_user and latest.title == "New text"


@pytest.mark.parametrize(
    "model", [AccessGrant, StatusUpdate, ReviewEvent, Evidence, ReminderSent], ids=lambda m: m.__name__
)
def test_workflow_models_are_in_the_admin(users, client_for, model, tmp_media):
    admin_client = client_for(users.admin)  # the demo admin: create_demo_users resets its password
    from django.core.files.uploadedfile import SimpleUploadedFile

    output = Output.objects.get(outcome__country__code="MW", code="1.3")
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n")
    update = save_update(output, users.officer_mw, files=[pdf], links=["https://example.org/x"])
    approve(update, users.coordinator)
    ReminderSent.objects.create(user=users.officer_mw, output=output, threshold="overdue", deadline=output.deadline)
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200


def test_history_of_reporting_cannot_be_deleted_in_the_admin(users, client_for):
    admin_client = client_for(users.admin)
    output = Output.objects.get(outcome__country__code="MW", code="1.3")
    update = save_update(output, users.officer_mw)
    event = ReviewEvent.objects.get(update=update)
    assert admin_client.post(reverse("admin:outputs_reviewevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert admin_client.post(reverse("admin:outputs_statusupdate_delete", args=[update.pk]), {"post": "yes"}).status_code == 403
    assert ReviewEvent.objects.filter(pk=event.pk).exists() and StatusUpdate.objects.filter(pk=update.pk).exists()


def test_grants_are_managed_in_the_admin(users, client_for, seed_programme):
    admin_client = client_for(users.admin)
    url = reverse("admin:programme_accessgrant_add")
    response = admin_client.post(url, {"user": users.nogrant.pk, "programme": seed_programme.pk,
                                       "country": Country.objects.get(code="ZM").pk, "role": "officer"})
    assert response.status_code == 302
    assert AccessGrant.objects.filter(user=users.nogrant, country__code="ZM", role="officer").exists()
    refused = admin_client.post(url, {"user": users.nogrant.pk, "programme": seed_programme.pk, "role": "officer"})
    assert refused.status_code == 200
    assert "names the country they report for" in refused.content.decode()
