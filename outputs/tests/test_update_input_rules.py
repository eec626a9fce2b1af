"""One set of input rules for what an officer reports, the same through each entry point: the
services, the update page's form (posted as a browser posts it, multipart) and the API. Every
error comes back at once, by field, and a refusal writes nothing."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outputs.models import Evidence, StatusUpdate
from programme.models import Programme
from testing.clients import api_client
from testing.workflow import save_update

pytestmark = pytest.mark.usefixtures("tmp_media")

TODAY = timezone.localdate


def _through_services(output, user, **fields):
    try:
        save_update(output, user, **fields)
    except ValidationError as error:
        return error.message_dict
    return {}


def _through_the_form(output, user, client_for, **fields):
    output.refresh_from_db()
    as_of = fields.get("as_of") or TODAY()
    response = client_for(user).post(reverse("outputs:update", args=[output.pk]), {
        "status": fields.get("status", "on_track"),
        "progress": str(fields.get("progress", 40)),
        "narrative": fields.get("narrative", ""),
        "as_of": as_of.isoformat(),
        "links": "\n".join(fields.get("links", ())),
        "base_revision": str(output.revision),
        "submit": "1",
    })
    if response.status_code == 302:
        return {}
    assert response.status_code == 200
    errors = response.context["form"].errors
    html = response.content.decode()
    for field, messages in errors.items():
        # Each error is shown at its field, which names it for screen readers (the status choices
        # are a fieldset of their own).
        assert f'id="id_{field}_error"' in html
        described = "<fieldset" if field == "status" else f'id="id_{field}"'
        assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b[^"]*"[^>]*{described}|'
                         rf'{described}[^>]*aria-describedby="[^"]*\bid_{field}_error\b', html)
        for message in messages:
            assert str(message).replace("'", "&#x27;") in html
    return {field: [str(message) for message in messages] for field, messages in errors.items()}


def _through_the_api(output, user, **fields):
    output.refresh_from_db()
    client = api_client(user)
    body = {"status": fields.get("status", "on_track"), "progress": fields.get("progress", 40),
            "narrative": fields.get("narrative", ""), "links": list(fields.get("links", ()))}
    if fields.get("as_of"):
        body["as_of"] = fields["as_of"].isoformat()
    response = client.post(f"/api/outputs/{output.pk}/updates/", body, format="json",
                           headers={"If-Match": f'"{output.revision}"'})
    if response.status_code == 201:
        return {}
    assert response.status_code == 400, response.content[:300]
    return response.json()


@pytest.fixture(params=["services", "form", "api"])
def report(request, users, malawi_output, client_for):
    """Report on Malawi output 1.1 as officer-mw through one entry point; the errors by field."""

    def send(**fields):
        if request.param == "services":
            return _through_services(malawi_output, users.officer_mw, **fields)
        if request.param == "form":
            return _through_the_form(malawi_output, users.officer_mw, client_for, **fields)
        return _through_the_api(malawi_output, users.officer_mw, **fields)

    return send


def _long_link(length):
    prefix = "https://www.ilo.org/evidence/"
    return prefix + "a" * (length - len(prefix))


# --- Each rule through each entry point ---------------------------------------------------------


def test_a_narrative_of_20000_characters_is_kept(report):
    assert report(narrative="n" * 20_000) == {}
    assert len(StatusUpdate.objects.get().narrative) == 20_000


def test_a_longer_narrative_is_refused(report):
    errors = report(narrative="n" * 20_001)
    assert errors == {"narrative": ["The narrative may be at most 20,000 characters long; it has 20,001."]}
    assert not StatusUpdate.objects.exists()


def test_twenty_links_are_kept(report):
    links = [f"https://www.ilo.org/evidence/{number}" for number in range(20)]
    assert report(links=links) == {}
    assert Evidence.objects.exclude(url="").count() == 20


def test_more_than_twenty_links_are_refused(report):
    errors = report(links=[f"https://www.ilo.org/evidence/{number}" for number in range(21)])
    assert errors == {"links": ["An update holds at most 20 links; this one would hold 21."]}
    assert not StatusUpdate.objects.exists()


def test_a_link_of_2000_characters_is_kept_a_longer_one_refused(report):
    assert report(links=[_long_link(2000)]) == {}
    assert Evidence.objects.get().url == _long_link(2000)
    errors = report(links=[_long_link(2001)])
    assert errors == {"links": [f"{_long_link(2001)[:99]}… is longer than 2,000 characters."]}


def test_every_bad_link_is_named(report):
    errors = report(links=["ftp://files.example.org/a.pdf", "https://www.ilo.org/ok", "javascript:alert(1)",
                           "www.ilo.org/no-scheme"])
    assert errors == {"links": [
        "ftp://files.example.org/a.pdf is not a valid http or https link.",
        "javascript:alert(1) is not a valid http or https link.",
        "www.ilo.org/no-scheme is not a valid http or https link.",
    ]}
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize("progress", [-1, 101, 150])
def test_progress_outside_0_to_100_is_refused(report, progress):
    assert report(progress=progress) == {"progress": ["Progress is a percentage from 0 to 100."]}


@pytest.mark.parametrize("progress", [0, 100])
def test_progress_at_the_ends_is_kept(report, progress):
    assert report(progress=progress) == {}


def test_as_of_in_the_future_is_refused(report):
    assert report(as_of=TODAY() + timedelta(days=1)) == {"as_of": ["The 'as of' date cannot be in the future."]}


def test_as_of_before_the_programme_started_is_refused(report, seed_programme):
    start = TODAY() - timedelta(days=30)
    Programme.objects.filter(code="GLO/22/31/IRL").update(start_date=start)
    errors = report(as_of=start - timedelta(days=1))
    assert list(errors) == ["as_of"]
    assert errors["as_of"][0].endswith(", the first day this programme's reports can show.")
    assert report(as_of=start) == {}


def test_as_of_before_the_floor_is_refused_in_a_programme_without_a_start(report):
    """The seed programme has no start date: the fixed floor (programme_earliest_date) bounds it."""
    assert report(as_of=date(1, 1, 1)) == {
        "as_of": ["1 Jan 0001 is before 1 Jan 2000, the first day this programme's reports can show."]}
    assert report(as_of=date(2000, 1, 1)) == {}


@pytest.mark.parametrize("status", ["at_risk", "off_track", "cancelled"])
def test_a_status_that_needs_a_narrative_is_refused_without_one(report, status):
    errors = report(status=status, narrative="  \r\n ")
    assert list(errors) == ["narrative"]
    assert errors["narrative"][0].startswith("Explain the status: a narrative is required for ")


def test_narratives_are_stored_with_newline_line_endings(report):
    assert report(narrative="Windows line\r\nold Mac line\rUnix line\nend") == {}
    assert StatusUpdate.objects.get().narrative == "Windows line\nold Mac line\nUnix line\nend"


def test_every_error_at_once(report):
    errors = report(status="off_track", progress=150, narrative="", as_of=TODAY() + timedelta(days=2),
                    links=["javascript:alert(1)", "https://www.ilo.org/ok", "ftp://x.example.org/f"])
    assert errors == {
        "progress": ["Progress is a percentage from 0 to 100."],
        "narrative": ["Explain the status: a narrative is required for Off track."],
        "as_of": ["The 'as of' date cannot be in the future."],
        "links": ["javascript:alert(1) is not a valid http or https link.",
                  "ftp://x.example.org/f is not a valid http or https link."],
    }
    assert not StatusUpdate.objects.exists()


def test_the_probe_that_the_api_refused_is_refused_everywhere(report):
    """A 2,000,000-character narrative and 500 links."""
    errors = report(narrative="x" * 2_000_000, links=[f"https://www.ilo.org/e/{n}" for n in range(500)])
    assert errors == {
        "narrative": ["The narrative may be at most 20,000 characters long; it has 2,000,000."],
        "links": ["An update holds at most 20 links; this one would hold 500."],
    }
    assert not StatusUpdate.objects.exists()


# --- Rules that depend on what is stored, and the form's own parsing -----------------------------


def test_links_already_on_the_open_update_count(users, malawi_output, workflow):
    workflow.save(malawi_output, users.officer_mw, submit=False,
                  links=[f"https://www.ilo.org/first/{n}" for n in range(15)])
    with pytest.raises(ValidationError) as refused:
        workflow.save(malawi_output, users.officer_mw, links=[f"https://www.ilo.org/more/{n}" for n in range(6)])
    assert refused.value.message_dict == {"links": ["An update holds at most 20 links; this one would hold 21."]}
    workflow.save(malawi_output, users.officer_mw, links=[f"https://www.ilo.org/more/{n}" for n in range(5)])
    assert Evidence.objects.exclude(url="").count() == 20


def test_a_field_the_form_cannot_read_keeps_its_error_and_the_rules_still_answer(users, malawi_output, client_for):
    """Progress that is not a number is the form's to refuse; the rules answer for the rest."""
    malawi_output.refresh_from_db()
    response = client_for(users.officer_mw).post(reverse("outputs:update", args=[malawi_output.pk]), {
        "status": "cancelled", "progress": "a lot", "narrative": "", "as_of": "2999-01-01",
        "links": "ftp://a.example.org/1\nftp://b.example.org/2", "base_revision": str(malawi_output.revision),
    })
    errors = response.context["form"].errors
    assert errors["progress"] == ["Enter a whole number."]
    assert errors["narrative"] == ["Explain the status: a narrative is required for Cancelled."]
    assert errors["as_of"] == ["The 'as of' date cannot be in the future."]
    assert errors["links"] == ["ftp://a.example.org/1 is not a valid http or https link.",
                               "ftp://b.example.org/2 is not a valid http or https link."]
    assert not StatusUpdate.objects.exists()


def test_a_field_the_api_cannot_read_keeps_its_error_and_the_rules_still_answer(users, malawi_output):
    malawi_output.refresh_from_db()
    client = api_client(users.officer_mw)
    response = client.post(f"/api/outputs/{malawi_output.pk}/updates/", {
        "status": "cancelled", "progress": "a lot", "narrative": "", "as_of": "2999-01-01",
        "links": ["ftp://a.example.org/1"],
    }, format="json", headers={"If-Match": f'"{malawi_output.revision}"'})
    assert response.status_code == 400
    errors = response.json()
    assert errors["progress"] == ["A valid integer is required."]
    assert errors["narrative"] == ["Explain the status: a narrative is required for Cancelled."]
    assert errors["as_of"] == ["The 'as of' date cannot be in the future."]
    assert errors["links"] == ["ftp://a.example.org/1 is not a valid http or https link."]
    assert not StatusUpdate.objects.exists()


def test_the_rules_speak_the_readers_language(users, malawi_output, client_for):
    client = client_for(users.officer_mw)
    malawi_output.refresh_from_db()
    response = client.post(reverse("outputs:update", args=[malawi_output.pk]), {
        "status": "on_track", "progress": "40", "narrative": "n" * 20_001, "as_of": TODAY().isoformat(),
        "links": "", "base_revision": str(malawi_output.revision),
    }, headers={"Accept-Language": "fr"})
    assert response.context["form"].errors["narrative"] == [
        "Le commentaire peut compter au plus 20\xa0000 caractères ; il en compte 20\xa0001."
    ]


def test_the_update_page_still_checks_csrf(users, malawi_output):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users.officer_mw)
    url = reverse("outputs:update", args=[malawi_output.pk])
    malawi_output.refresh_from_db()
    data = {"status": "on_track", "progress": "40", "as_of": TODAY().isoformat(),
            "base_revision": str(malawi_output.revision), "submit": "1"}
    assert client.post(url, data).status_code == 403
    assert not StatusUpdate.objects.exists()
    client.get(url)
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    assert client.post(url, data).status_code == 302
    assert StatusUpdate.objects.count() == 1


def test_programme_start_is_shown_in_the_readers_date_format(users, malawi_output, client_for, seed_programme):
    Programme.objects.filter(code="GLO/22/31/IRL").update(start_date=date(2022, 3, 1))
    malawi_output.refresh_from_db()
    response = client_for(users.officer_mw).post(reverse("outputs:update", args=[malawi_output.pk]), {
        "status": "on_track", "progress": "40", "as_of": "2022-02-28", "links": "",
        "base_revision": str(malawi_output.revision),
    })
    assert response.context["form"].errors["as_of"] == [
        "28 Feb 2022 is before 1 Mar 2022, the first day this programme's reports can show."
    ]


def test_the_date_picker_offers_the_days_the_rules_accept(users, malawi_output, client_for, seed_programme):
    Programme.objects.filter(code="GLO/22/31/IRL").update(start_date=date(2022, 3, 1))
    html = client_for(users.officer_mw).get(reverse("outputs:update", args=[malawi_output.pk])).content.decode()
    assert 'min="2022-03-01"' in html and f'max="{TODAY().isoformat()}"' in html


def test_an_unknown_status_is_refused_at_its_fieldset_with_the_rest(users, malawi_output, client_for):
    errors = _through_the_form(malawi_output, users.officer_mw, client_for, status="bogus", progress=150)
    assert errors == {"status": ["Select a valid choice. bogus is not one of the available choices."],
                      "progress": ["Progress is a percentage from 0 to 100."]}


def test_narratives_stored_before_keep_their_text_with_newline_endings(users, malawi_output, workflow):
    """The data migration's step, on the real database: earlier rows kept what browsers sent."""
    from importlib import import_module

    from django.apps import apps

    update = workflow.save(malawi_output, users.officer_mw, narrative="First")
    StatusUpdate.objects.filter(pk=update.pk).update(narrative="Line one\r\nline two\rline three\n")
    import_module("outputs.migrations.0003_narratives_with_newline_endings").newline_endings(apps, None)
    update.refresh_from_db()
    assert update.narrative == "Line one\nline two\nline three\n"
