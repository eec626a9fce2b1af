"""reporting.exporters.output_rows and history_rows: what every export shows of a selector's row."""

import datetime
import zoneinfo

from django.utils import timezone, translation

from reporting.exporters import OUTPUT_KEYS, history_rows, output_header, output_rows

TODAY = datetime.date(2025, 12, 1)
MAPUTO = zoneinfo.ZoneInfo("Africa/Maputo")
APPROVED_AT = datetime.datetime(2025, 9, 1, 13, 0, tzinfo=datetime.UTC)


def selector_row(deadline, status, iso="MW", narrative="Budget released.", approved_at=APPROVED_AT):
    """A row of reporting.selectors.export_rows."""
    return ("GLO/1", "Malawi", iso, 1, "1.3", "Text", deadline, status, 60 if status else None,
            datetime.date(2025, 9, 1) if status else None, narrative, 2, approved_at)


def shown(*rows):
    with timezone.override(MAPUTO):
        return [dict(zip(OUTPUT_KEYS, row, strict=False)) for row in output_rows(rows, TODAY)]


def test_labels_deadlines_and_local_times():
    [row] = shown(selector_row(datetime.date(2025, 12, 31), "on_track"))
    assert row["status"] == "On track" and row["overdue"] == "no" and row["days_to_deadline"] == 30
    assert row["deadline"] == datetime.date(2025, 12, 31) and row["progress"] == 60
    assert row["last_updated"] == datetime.datetime(2025, 9, 1, 15, 0, tzinfo=MAPUTO)


def test_overdue_is_past_the_deadline_and_not_closed():
    past = datetime.date(2025, 4, 25)
    rows = shown(selector_row(past, "at_risk"), selector_row(past, None), selector_row(past, "achieved"),
                 selector_row(past, "cancelled"), selector_row(TODAY, None))
    assert [row["overdue"] for row in rows] == ["yes", "yes", "no", "no", "no"]
    assert rows[0]["days_to_deadline"] == -220


def test_not_reported_outputs_read_as_such():
    [row] = shown(selector_row(TODAY, None, iso=None, narrative=None, approved_at=None))
    assert row["status"] == "Not reported"
    assert row["iso"] == "" and row["narrative"] == "" and row["last_updated"] is None


def test_history_rows_label_statuses_and_show_local_times():
    with timezone.override(MAPUTO):
        [row] = history_rows([("Malawi", "1.3", datetime.date(2025, 9, 1), "at_risk", 40, "Delayed.", "Olga", "", "officer",
                               "", "", "coordinator", APPROVED_AT)])
    assert row[3] == "At risk" and row[8] == datetime.datetime(2025, 9, 1, 15, 0, tzinfo=MAPUTO)
    # A person by their name where the account has one, else by their username.
    assert row[6:8] == ("Olga", "coordinator")


def test_labels_are_in_the_language_active_when_the_rows_are_read():
    rows = output_rows([selector_row(datetime.date(2025, 4, 25), "at_risk")], TODAY)  # nothing read yet
    with translation.override("pt"):
        [row] = [dict(zip(OUTPUT_KEYS, row, strict=False)) for row in rows]
        assert output_header()[7] == "Estado"
    assert row["status"] == "Em risco" and row["overdue"] == "sim"
