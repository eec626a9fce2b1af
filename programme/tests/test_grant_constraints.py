"""A repeated grant is refused with a message that says what is repeated (the admin's form shows it)."""

import pytest
from django.core.exceptions import ValidationError

from programme.models import AccessGrant, Country, Role


@pytest.mark.django_db
@pytest.mark.parametrize("country_code, message", [
    ("MW", "This person already has a grant for this programme and country."),
    (None, "This person already has a grant for the whole programme."),
])
def test_a_repeated_grant_is_refused_with_a_clear_message(users, seed_programme, country_code, message):
    country = Country.objects.get(code=country_code) if country_code else None
    AccessGrant.objects.get_or_create(user=users.nogrant, programme=seed_programme, country=country, role=Role.DONOR)
    repeated = AccessGrant(user=users.nogrant, programme=seed_programme, country=country, role=Role.OFFICER)
    with pytest.raises(ValidationError) as refused:
        repeated.validate_constraints()
    assert refused.value.messages == [message]
