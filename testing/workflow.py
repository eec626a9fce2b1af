"""The workflow's steps as the pages make them: updates written through the services, from the output's
current revision, as a freshly loaded form would; outputs of the seed found by country and code."""

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from outputs.models import Output, StatusUpdate
from outputs.services.updates import status_update_approve, status_update_save
from programme.models import Programme

from .seed import SEED_CODE


def seed_output(country_code: str, code: str) -> Output:
    """An output of the seed programme GLO/22/31/IRL, by country ISO code and output code."""
    return Output.objects.get(
        outcome__programme__code=SEED_CODE, outcome__country__code=country_code, code=code
    )


def save_update(output: Output, user: User, *, submit: bool = True, status: str = "on_track", progress: int = 40,
                narrative: str = "Work is under way.", as_of: datetime.date | None = None,
                files: Sequence[UploadedFile] = (), links: Sequence[str] = ()) -> StatusUpdate:
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


def approve(update: StatusUpdate, user: User) -> StatusUpdate:
    """status_update_approve of the update as its output stands now, as the review queue would."""
    update.output.refresh_from_db()
    return status_update_approve(update=update, user=user, base_revision=update.output.revision)


def due_in(output: Output, days: int, today: datetime.date | None = None) -> Output:
    """The output's deadline moved to ``days`` from today (or from ``today``), written directly."""
    Output.objects.filter(pk=output.pk).update(deadline=(today or timezone.localdate()) + datetime.timedelta(days=days))
    output.refresh_from_db()
    return output


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


def import_second_programme() -> Programme:
    """GLO/24/07/LUX (funded by Luxembourg, from 2025), imported through the outputs-page importer."""
    from outputs.page_parser import parse_page
    from outputs.services.page_import import outputs_import_page

    return outputs_import_page(
        page=parse_page(SECOND_PAGE), code=SECOND_CODE, funding_partner="Luxembourg",
        start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2027, 12, 31),
    ).programme


def second_output(country_code: str | None, code: str) -> Output:
    """An output of the second programme, by country ISO code (None: Global) and output code."""
    return Output.objects.get(outcome__programme__code=SECOND_CODE, outcome__country__code=country_code, code=code)
