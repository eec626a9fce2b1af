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


# A second programme's published page, of another shape than the seed's: other countries, other
# deadlines (read on 1 December 2025: Senegal 1.1 and Cambodia 1.2 overdue, Senegal 2.1 due soon), a
# code 1.10 after 1.2, and the Global component, which the seed programme has too.
SECOND_CODE = "GLO/24/07/LUX"
SECOND_PAGE = """Extending Social Protection to Workers in the Informal Economy
Outputs
Senegal
-
Output 1.1 – A diagnostic of social protection coverage for informal economy workers is validated.
30.09.2025
-
Output 1.2 – The simplified contributory scheme for small traders is designed.
30.06.2026
-
Output 1.10 – A financing strategy for health insurance for artisans is adopted.
30.06.2027
-
Output 2.1 – Social security institutions reach self-employed workers.
15.12.2025
Cambodia
-
Output 1.1 – The National Social Protection Policy Framework is costed.
31.01.2026
-
Output 1.2 – The coverage of own-account workers is assessed.
10.11.2025
Global
-
Output 1.1 – A South–South exchange between Senegal and Cambodia is organized.
30.11.2026
"""


def import_second_programme():
    """GLO/24/07/LUX (funded by Luxembourg, from 2025), imported through the outputs-page importer."""
    import datetime

    from .page_parser import parse_page
    from .services.page_import import outputs_import_page

    return outputs_import_page(
        page=parse_page(SECOND_PAGE), code=SECOND_CODE, funding_partner="Luxembourg",
        start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2027, 12, 31),
    ).programme


def second_output(country_code, code):
    """An output of the second programme, by country ISO code (None: Global) and output code."""
    return Output.objects.get(outcome__programme__code=SECOND_CODE, outcome__country__code=country_code, code=code)
