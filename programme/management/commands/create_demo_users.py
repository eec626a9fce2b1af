import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create the demo accounts. Their password is DEMO_PASSWORD when set (and is then reset on "
        "every run); otherwise a random one, printed once when the accounts are created."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        password = os.environ.get("DEMO_PASSWORD", "").strip()
        generated = not password
        if generated:
            password = secrets.token_urlsafe(9)

        created_any = False
        with transaction.atomic():
            user = User.objects.filter(username="admin").first()
            if user is None:
                User.objects.create_superuser("admin", "admin@example.org", password)
                created_any = True
            elif not generated:
                user.set_password(password)
                user.save(update_fields=["password"])

        if created_any and generated:
            self.stdout.write(self.style.WARNING(f"Demo accounts created. Password: {password}"))
            self.stdout.write("(Set DEMO_PASSWORD to choose it; it is not shown again.)")
        elif created_any:
            self.stdout.write(self.style.SUCCESS("Demo accounts created with DEMO_PASSWORD."))
        else:
            self.stdout.write("Demo accounts already exist.")
