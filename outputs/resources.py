"""Spreadsheet import and export of outputs in the admin (django-import-export).

Columns: id (optional), programme (code), country (name or ISO code), outcome (number), code,
title, deadline (YYYY-MM-DD). A row with an id updates that output; otherwise the output is found
by programme, country and code, or created. Rows are written through the services, so an import
keeps history like any other edit. The whole file is one transaction: one bad row, nothing saved.
A row names a programme the importing user coordinates (programme.access.coordinated_programmes),
and its values fit the database's columns and ranges, or it is a row error.
"""

import datetime
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, QuerySet
from django.utils.translation import gettext as _
from import_export import fields, resources

from core.dates import not_a_date
from programme.access import coordinated_programmes
from programme.countries import normalise_name, recognise_country
from programme.models import Country, Outcome

from .models import CODE_RE, Output
from .services import output_edits
from .spreadsheets import neutralise, strip_control_characters


def _text(row: Any, key: str) -> str:
    """The cell as text without control characters (PostgreSQL refuses NUL in text)."""
    value = row.get(key)
    return "" if value is None else strip_control_characters(str(value)).strip()


def _country(value: str) -> Country | None:
    value = value.strip()
    if not value:
        return None
    if len(value) == 2 and value.isalpha():
        found = Country.objects.filter(code=value.upper()).first()
        if found:
            return found
    if normalise_name(value) == "global":
        return Country.objects.filter(slug="global").first()
    recognised = recognise_country(value)
    if recognised:
        return Country.objects.filter(code=recognised.code).first()
    return Country.objects.filter(name__iexact=value).first()


def _check_fits(column: str, model: type[Model], field_name: str, value: str, errors: dict[str, Any]) -> None:
    """Add to ``errors`` under ``column`` what the model's field says of the value (its length
    and range), so that a value the database would refuse is a row error."""
    try:
        cast(Field, model._meta.get_field(field_name)).clean(value, None)
    except ValidationError as error:
        errors[column] = error.messages


def _deadline(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for parse in (datetime.date.fromisoformat, lambda t: datetime.datetime.strptime(t, "%d.%m.%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ValidationError({"deadline": not_a_date(text)})


class OutputResource(resources.ModelResource):
    programme = fields.Field(attribute="outcome__programme__code", column_name="programme", readonly=True)
    country = fields.Field(attribute="outcome__country__name", column_name="country", readonly=True)
    outcome = fields.Field(attribute="outcome__number", column_name="outcome", readonly=True)

    class Meta:
        model = Output
        fields = ("id", "programme", "country", "outcome", "code", "title", "deadline")
        export_order = fields
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = False

    def export_field(self, field: Any, instance: Output, **kwargs: Any) -> Any:
        # django-import-export's own ESCAPE_FORMULAE only drops a leading "=" (and turns every
        # cell into text); quote every formula trigger instead and keep numbers and dates.
        return neutralise(super().export_field(field, instance, **kwargs))

    def get_queryset(self) -> QuerySet[Output]:
        return Output.objects.select_related("outcome__programme", "outcome__country").in_natural_order()

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        """Check the row and find its programme, country and outcome; any problem is a row error."""
        errors: dict[str, Any] = {}
        if _text(row, "id"):
            _check_fits("id", Output, "id", _text(row, "id"), errors)
        programme = coordinated_programmes(kwargs["user"]).filter(code=_text(row, "programme")).first()
        if programme is None:
            errors["programme"] = (
                _("No programme you coordinate has the code '%(code)s'.") % {"code": _text(row, "programme")}
            )
        country = _country(_text(row, "country"))
        if country is None:
            errors["country"] = _("'%(name)s' is not a known country (name, ISO code or Global).") % {"name": _text(row, "country")}
        code = _text(row, "code")
        if not CODE_RE.match(code) or "." not in code:
            errors["code"] = _("'%(code)s' is not an output code such as 1.2.") % {"code": code}
        else:
            _check_fits("code", Output, "code", code, errors)
        if not _text(row, "title"):
            errors["title"] = _("The output's text is empty.")
        outcome_text = _text(row, "outcome") or code.split(".")[0]
        if not outcome_text.isdecimal() or (code and code.split(".")[0] != outcome_text):
            errors["outcome"] = _("Outcome '%(outcome)s' does not match code %(code)s.") % {"outcome": outcome_text, "code": code}
        else:
            _check_fits("outcome", Outcome, "number", outcome_text, errors)
        try:
            deadline = _deadline(row.get("deadline"))
        except ValidationError as error:
            errors.update(error.message_dict)
            deadline = None
        if errors:
            raise ValidationError(errors)
        row["_programme"], row["_country"], row["_outcome_number"] = programme, country, int(outcome_text)
        row["_deadline"] = deadline

    def get_instance(self, instance_loader: Any, row: Any) -> Output | None:
        identifier = _text(row, "id")
        programme, country = row["_programme"], row["_country"]
        if identifier:
            found = Output.objects.filter(pk=identifier, outcome__programme=programme).first()
            if found is None:
                raise ValidationError({"id": _("No output %(id)s in %(programme)s.") % {"id": identifier, "programme": programme.code}})
            return found
        matches = list(Output.objects.filter(
            outcome__programme=programme, outcome__country=country, code=_text(row, "code")
        )[:2])
        if len(matches) > 1:
            raise ValidationError(
                {"code": _("%(country)s has several outputs %(code)s: give the id column to say which.") % {"country": country.name, "code": row["code"]}}
            )
        return matches[0] if matches else None

    def import_instance(self, instance: Output, row: Any, **kwargs: Any) -> None:
        instance.code = _text(row, "code")
        instance.title = _text(row, "title")
        instance.deadline = row["_deadline"]

    def save_instance(self, instance: Output, is_create: bool, row: Any, **kwargs: Any) -> None:
        user = kwargs["user"]
        programme, country, number = row["_programme"], row["_country"], row["_outcome_number"]
        if is_create:
            created = output_edits.output_create(
                programme=programme, country=country, outcome_number=number, code=instance.code,
                title=instance.title, deadline=instance.deadline, user=user, reason="Spreadsheet import",
            )
            instance.pk = created.pk
        else:
            output_edits.output_edit(
                output=Output.objects.get(pk=instance.pk), user=user, reason="Spreadsheet import",
                code=instance.code, title=instance.title, deadline=instance.deadline,
            )
