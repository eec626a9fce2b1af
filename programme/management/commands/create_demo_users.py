import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from programme.models import AccessGrant, Country, Programme, Role

SEED_CODE = "GLO/22/31/IRL"

# username, full name, role, country (ISO code, "global", or None for programme-wide)
DEMO_USERS = [
    ("coordinator", "Claire Coordinator", Role.COORDINATOR, None),
    ("donor", "Dónal Donor", Role.DONOR, None),
    ("officer-mw", "Chikondi Banda", Role.OFFICER, "MW"),
    ("officer-mz", "Ana Macuácua", Role.OFFICER, "MZ"),
    ("officer-vn", "Nguyễn Thị Lan", Role.OFFICER, "VN"),
    ("officer-zm", "Mwila Phiri", Role.OFFICER, "ZM"),
    ("officer-global", "Grace Global", Role.OFFICER, "global"),
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts (admin, coordinator, donor, officer-mw, officer-mz, officer-vn, "
        "officer-zm, officer-global) with grants on the seed programme. Their password is "
        "DEMO_PASSWORD when set (and is then reset on every run); otherwise a random one, printed "
        "once when the accounts are created."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        password = os.environ.get("DEMO_PASSWORD", "").strip()
        generated = not password
        if generated:
            password = secrets.token_urlsafe(9)

        programme = Programme.objects.filter(code=SEED_CODE).first()
        created = []
        with transaction.atomic():
            accounts = [("admin", "Ada Admin", None, None), *DEMO_USERS]
            for username, full_name, role, country_key in accounts:
                first, _, last = full_name.partition(" ")
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(
                        username=username,
                        first_name=first,
                        last_name=last,
                        email=f"{username}@example.org",
                        is_staff=username == "admin",
                        is_superuser=username == "admin",
                    )
                    user.set_password(password)
                    user.save()
                    created.append(username)
                elif not generated:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                if role is None or programme is None:
                    continue
                country = None
                if country_key == "global":
                    country = Country.objects.get(slug="global")
                elif country_key:
                    country = Country.objects.get(code=country_key)
                AccessGrant.objects.get_or_create(
                    user=user, programme=programme, country=country, defaults={"role": role}
                )

        if created and generated:
            self.stdout.write(self.style.WARNING(f"Demo accounts created: {', '.join(created)}"))
            self.stdout.write(self.style.WARNING(f"Password for all of them: {password}"))
            self.stdout.write("(Set DEMO_PASSWORD to choose it; it is not shown again.)")
        elif created:
            self.stdout.write(self.style.SUCCESS(f"Demo accounts created with DEMO_PASSWORD: {', '.join(created)}"))
        else:
            self.stdout.write("Demo accounts already exist.")
