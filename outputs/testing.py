"""Helpers for tests across the apps: write updates the way the pages do, through the services."""

from outputs.models import Output

from .services.updates import status_update_approve, status_update_save


def seed_output(country_code, code):
    """An output of the seed programme GLO/22/31/IRL, by country ISO code and output code."""
    return Output.objects.get(
        outcome__programme__code="GLO/22/31/IRL", outcome__country__code=country_code, code=code
    )


def save_update(output, user, *, submit=True, status="on_track", progress=40,
                narrative="Work is under way.", as_of=None, files=(), links=()):
    """status_update_save from the output's current revision, as a freshly loaded form would."""
    output.refresh_from_db()
    return status_update_save(
        output=output,
        user=user,
        base_revision=output.revision,
        status=status,
        progress=progress,
        narrative=narrative,
        as_of=as_of,
        files=files,
        links=links,
        submit=submit,
    )


def approve(update, user):
    update.output.refresh_from_db()
    return status_update_approve(update=update, user=user, base_revision=update.output.revision)
