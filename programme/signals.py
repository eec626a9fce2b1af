"""New data versions for direct saves and deletions (the admin, history reverts, shell, fixtures).

The services call programme_touch themselves (QuerySet.update() sends no signal); these receivers
make sure that no other way of changing what a programme's pages show leaves a cached page behind.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from .models import AccessGrant, Country, Outcome, Programme, Region
from .services import programmes_touch, site_version_bump


def connect_touch(model, before, after):
    """Touch the programmes ``before(instance)`` names (the row as stored) ahead of a save or
    deletion, and those ``after(instance)`` names (its new state) once done. Touching first keeps
    one lock order (programme, then rows) with the services inside a transaction; outside one it
    would publish the new version before the data, so there only the touch after counts."""

    def ahead(sender, instance, raw=False, **kwargs):
        if raw or instance.pk is None or not transaction.get_connection().in_atomic_block:
            return
        programmes_touch(before(instance))

    def done(sender, instance, **kwargs):
        # Also for fixtures (raw): loaddata into a served database must not leave old pages behind.
        programmes_touch(after(instance))

    uid = f"data-version-{model._meta.label}"
    pre_save.connect(ahead, sender=model, weak=False, dispatch_uid=f"{uid}-pre-save")
    pre_delete.connect(ahead, sender=model, weak=False, dispatch_uid=f"{uid}-pre-delete")
    post_save.connect(done, sender=model, weak=False, dispatch_uid=f"{uid}-post-save")
    post_delete.connect(done, sender=model, weak=False, dispatch_uid=f"{uid}-post-delete")


def _programmes(**lookup):
    return Programme.objects.filter(**lookup)


connect_touch(Programme, lambda p: _programmes(pk=p.pk), lambda p: _programmes(pk=p.pk))
connect_touch(Outcome, lambda o: _programmes(outcomes=o.pk), lambda o: _programmes(pk=o.programme_id))
# Countries and regions are shared: a renamed country changes every programme that has it.
connect_touch(Country, lambda c: _programmes(outcomes__country=c.pk), lambda c: _programmes(outcomes__country=c.pk))
connect_touch(Region, lambda r: _programmes(outcomes__country__region=r.pk),
              lambda r: _programmes(outcomes__country__region=r.pk))
connect_touch(AccessGrant, lambda g: _programmes(access_grants=g.pk), lambda g: _programmes(pk=g.programme_id))


def user_saved(sender, instance, update_fields=None, **kwargs):
    """Pages name the people who reported and reviewed: a renamed account changes them. Signing in
    (which saves last_login only) does not."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    programmes_touch(Programme.objects.all())


def user_deleted(sender, instance, **kwargs):
    """A deleted account's sessions must stop working at once, also where its grants were none."""
    site_version_bump()


post_save.connect(user_saved, sender=get_user_model(), dispatch_uid="data-version-user")
post_delete.connect(user_deleted, sender=get_user_model(), dispatch_uid="site-version-user-deleted")
