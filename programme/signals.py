"""New data versions for saves that do not go through a service: the admin's structure pages,
history, the shell and fixtures. Status updates, their evidence and review events are written by
the services only (read-only in the admin), which touch their programme themselves."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from .models import Country, Outcome, Programme, Region
from .services import programmes_touch


def connect_touch(model, programmes):
    """After a save or deletion of ``model``, touch the programmes ``programmes(instance)`` names."""

    def touch(sender, instance, **kwargs):
        programmes_touch(programmes(instance))

    uid = f"data-version-{model._meta.label}"
    post_save.connect(touch, sender=model, weak=False, dispatch_uid=f"{uid}-save")
    post_delete.connect(touch, sender=model, weak=False, dispatch_uid=f"{uid}-delete")


connect_touch(Programme, lambda p: Programme.objects.filter(pk=p.pk))
connect_touch(Outcome, lambda o: Programme.objects.filter(pk=o.programme_id))
# Countries and regions are shared: a renamed country changes every programme that has it.
connect_touch(Country, lambda c: Programme.objects.filter(outcomes__country=c.pk))
connect_touch(Region, lambda r: Programme.objects.filter(outcomes__country__region=r.pk))


def user_saved(sender, instance, update_fields=None, **kwargs):
    """Pages name the people who reported and reviewed: a renamed account changes the pages of its
    programmes (only those). Signing in, which saves last_login only, changes nothing."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    programmes_touch(Programme.objects.filter(access_grants__user=instance))


post_save.connect(user_saved, sender=get_user_model(), dispatch_uid="data-version-user")
