"""The programme as an IATI 2.03 ``iati-activities`` document.

One activity for the programme; each output is a ``result`` of type 1 (Output) with one
qualitative indicator (measure 5) whose reporting period runs from the programme's start (or the
output's first update) to the output's deadline, with the reported status, progress and narrative
in the actual's comment.

The document is written in one language, declared as the activity's ``xml:lang``: the language the
programme's titles and narratives are written in by people (the site's ``LANGUAGE_CODE``), whatever
the reader's. The text generated here (statuses, "Output 1.2 delivered") is written in it too.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from outputs.spreadsheets import strip_control_characters
from programme.models import Programme

from ..selectors import ReportMoment
from . import OUTPUT_KEYS, yes_no

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _narrative(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    narrative = etree.SubElement(element, "narrative")
    narrative.text = strip_control_characters(text)
    return element


def activity_identifier(programme: Programme) -> str:
    return f"{settings.IATI_REPORTING_ORG_REF}-{programme.code}"


def content_language() -> str:
    """The language people write the programmes' titles and narratives in."""
    return settings.LANGUAGE_CODE


def iati_document(programme: Programme, rows: Iterable[tuple], moment: ReportMoment) -> bytes:
    """``rows``: rows of ``exporters.output_rows``, read here in the document's language (a generator
    of them takes its labels from the language active when its first row is read)."""
    language = content_language()
    with translation.override(language):
        root = _activities(programme, [dict(zip(OUTPUT_KEYS, row, strict=False)) for row in rows], moment, language)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _activities(programme: Programme, rows: list[dict], moment: ReportMoment, language: str) -> etree._Element:
    today = moment.today
    root = etree.Element(
        "iati-activities",
        version=IATI_VERSION,
        **{"generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
    )
    activity = etree.SubElement(
        root,
        "iati-activity",
        {
            XML_LANG: language.split("-")[0],  # IATI's Language codelist holds ISO 639-1 codes ("en", not "en-gb")
            "default-currency": "USD",
            "last-updated-datetime": timezone.now().replace(microsecond=0).isoformat(),
        },
    )
    etree.SubElement(activity, "iati-identifier").text = activity_identifier(programme)
    reporting_org = etree.SubElement(
        activity, "reporting-org", ref=settings.IATI_REPORTING_ORG_REF, type=settings.IATI_REPORTING_ORG_TYPE
    )
    etree.SubElement(reporting_org, "narrative").text = settings.IATI_REPORTING_ORG_NAME
    _narrative(activity, "title", programme.title)
    about = {"title": programme.title, "code": programme.code}
    if moment.as_of is not None:
        text = _("%(title)s (%(code)s). Progress on outputs as of %(date)s.") % {**about, "date": moment.as_of.isoformat()}
    else:
        text = _("%(title)s (%(code)s). Progress on outputs on %(date)s.") % {**about, "date": today.isoformat()}
    _narrative(activity, "description", text).set("type", "1")
    if programme.funding_partner:
        funder = etree.SubElement(activity, "participating-org", role="1")
        etree.SubElement(funder, "narrative").text = programme.funding_partner
    implementer = etree.SubElement(
        activity, "participating-org", role="4", ref=settings.IATI_REPORTING_ORG_REF,
        type=settings.IATI_REPORTING_ORG_TYPE,
    )
    etree.SubElement(implementer, "narrative").text = settings.IATI_REPORTING_ORG_NAME
    ended = programme.end_date and programme.end_date < today
    etree.SubElement(activity, "activity-status", code="3" if ended else "2")
    start = programme.start_date or datetime.date(today.year, 1, 1)
    etree.SubElement(activity, "activity-date", type="2", **{"iso-date": start.isoformat()})
    if programme.end_date:
        etree.SubElement(activity, "activity-date", type="3", **{"iso-date": programme.end_date.isoformat()})

    countries = {row["iso"]: row["country"] for row in rows if row["iso"]}
    for code in sorted(countries):
        etree.SubElement(activity, "recipient-country", code=code, percentage=f"{100 / len(countries):.2f}")

    overdue = yes_no(True)
    for row in rows:
        result = etree.SubElement(activity, "result", type="1", **{"aggregation-status": "0"})
        names = {"country": row["country"], "code": row["code"], "text": row["text"]}
        _narrative(result, "title", _("%(country)s – Output %(code)s: %(text)s") % names)
        indicator = etree.SubElement(result, "indicator", measure="5", ascending="1")
        _narrative(indicator, "title", _("Output %(code)s delivered (%(country)s)") % names)
        period = etree.SubElement(indicator, "period")
        period_start = min(row["status_date"] or start, row["deadline"], start)
        etree.SubElement(period, "period-start", **{"iso-date": period_start.isoformat()})
        etree.SubElement(period, "period-end", **{"iso-date": row["deadline"].isoformat()})
        actual = etree.SubElement(period, "actual")
        parts = [_("Status: %(status)s") % {"status": row["status"]}]
        if row["progress"] is not None:
            parts.append(_("progress %(progress)s%%") % {"progress": row["progress"]})
        comment_text = "; ".join(parts)
        if row["status_date"]:
            comment_text += " " + _("(as of %(date)s)") % {"date": row["status_date"].isoformat()}
        if row["overdue"] == overdue:
            comment_text += "; " + _("overdue")
        comment_text += "."
        if row["narrative"]:
            comment_text += f" {row['narrative']}"
        _narrative(actual, "comment", comment_text)
    return root
