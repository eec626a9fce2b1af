"""The outputs-page parser on generated pages: every quirk real pages contain, every failure."""

import datetime

import pytest

from outputs.page_parser import PageError, decode_page, parse_page

HEADER = "A Programme\nOutputs\n"


def page(*entries, heading="Malawi"):
    body = "".join(f"-\n{line}\n{date}\n" for line, date in entries)
    return f"{HEADER}{heading}\n{body}"


def only_output(text):
    parsed = parse_page(text)
    assert len(parsed.components) == 1
    assert len(parsed.components[0].outputs) == 1
    return parsed.components[0].outputs[0]


@pytest.mark.parametrize(
    "line",
    [
        "Output 1.1 - A plan is developed.",
        "Output 1.1 – A plan is developed.",  # en dash
        "Output 1.1 — A plan is developed.",  # em dash
        "Output 1.1-A plan is developed.",
        "Output 1.1 –A plan is developed.",
        "Output 1.1– A plan is developed.",
        "Output.1.1 – A plan is developed.",
        "Output 1.1. - A plan is developed.",
        "Output 1.1. A plan is developed.",
        "Output 1.1 A plan is developed.",
    ],
)
def test_separators_and_code_spellings(line):
    output = only_output(page((line, "31.12.2025")))
    assert output.code == "1.1"
    assert output.outcome_number == 1
    assert output.title == "A plan is developed."
    assert output.deadline == datetime.date(2025, 12, 31)


def test_two_digit_numbers_are_whole_numbers():
    parsed = parse_page(
        page(("Output 1.10 - Tenth.", "31.12.2025"), ("Output 1.1 - First.", "31.12.2025"),
             ("Output 12.3 - Twelfth outcome.", "01.02.2026"))
    )
    codes = [output.code for output in parsed.components[0].outputs]
    assert codes == ["1.10", "1.1", "12.3"]
    assert parsed.components[0].outputs[2].outcome_number == 12


def test_dash_inside_the_text_is_kept():
    output = only_output(page(("Output 1.1 - The strategy – post 2024 - is designed", "31.12.2025")))
    assert output.title == "The strategy – post 2024 - is designed"


def test_crlf_bom_trailing_spaces_and_no_final_newline():
    text = "\ufeffA Programme  \r\nOutputs \r\nViet Nam\t\r\n- \r\nOutput 2.1 - Text here.   \r\n 31.12.2025"
    parsed = parse_page(decode_page(text.encode("utf-8")))
    assert parsed.title == "A Programme"
    assert parsed.components[0].name == "Viet Nam"
    output = parsed.components[0].outputs[0]
    assert (output.code, output.title, output.deadline) == ("2.1", "Text here.", datetime.date(2025, 12, 31))


def test_curly_quotes_are_kept_in_text_and_allowed_in_headings():
    parsed = parse_page(page(("Output 3.2 – in the context of Malawi’s “Social Protection Week”", "31.12.2025"),
                             heading="Côte d’Ivoire"))
    assert parsed.components[0].name == "Côte d’Ivoire"
    assert parsed.components[0].outputs[0].title == "in the context of Malawi’s “Social Protection Week”"


def test_headings_without_entries_are_not_components():
    text = (
        HEADER
        + "Malawi\n-\nOutput 1.1 - One.\n31.12.2025\n"
        + "Africa\nAmericas\nArab States\nAsia and the Pacific\nEurope and Central Asia\n"
        + "Global\n-\nOutput 1.1 - Global one.\n31.12.2025\n"
    )
    parsed = parse_page(text)
    assert [component.name for component in parsed.components] == ["Malawi", "Global"]
    assert [o.position for c in parsed.components for o in c.outputs] == [1, 2]


def test_blank_lines_are_ignored():
    text = "A Programme\n\nOutputs\n\nMalawi\n\n-\n\nOutput 1.1 - One.\n\n31.12.2025\n\n"
    assert only_output(text).code == "1.1"


def error_of(text):
    with pytest.raises(PageError) as caught:
        parse_page(text)
    return caught.value


def test_impossible_date_names_the_line():
    error = error_of(page(("Output 1.1 - One.", "31.12.2025"), ("Output 1.2 - Two.", "31.09.2026")))
    assert error.line_number == 9
    assert "31.09.2026" in str(error) and "not a real date" in str(error)


def test_missing_date_line_names_the_line_and_what_was_expected():
    text = HEADER + "Malawi\n-\nOutput 1.1 - One.\n-\nOutput 1.2 - Two.\n31.12.2025\n"
    error = error_of(text)
    assert error.line_number == 6
    assert "expected the deadline of Output 1.1 as DD.MM.YYYY" in str(error)


def test_missing_date_at_end_of_file():
    error = error_of(HEADER + "Malawi\n-\nOutput 1.1 - One.")
    assert error.line_number == 6
    assert "end of the file" in str(error)


def test_entry_mark_not_followed_by_an_output_line():
    error = error_of(HEADER + "Malawi\n-\nOutcome 1.1 - One.\n31.12.2025\n")
    assert error.line_number == 5
    assert "expected an output line such as 'Output 1.1 - text'" in str(error)


@pytest.mark.parametrize("junk", ["12345", "31.12.2025", "Output 1.1 - Stray output", "*** draft ***"])
def test_line_of_unknown_shape(junk):
    text = HEADER + f"Malawi\n-\nOutput 1.1 - One.\n31.12.2025\n{junk}\n"
    error = error_of(text)
    assert error.line_number == 7


def test_missing_outputs_word():
    error = error_of("A Programme\nMalawi\n-\nOutput 1.1 - One.\n31.12.2025\n")
    assert error.line_number == 2 and "'Outputs'" in str(error)


def test_empty_and_entry_less_pages():
    assert error_of("").line_number == 1
    assert "no outputs" in str(error_of(HEADER + "Africa\nAmericas\n"))


def test_bytes_that_are_not_utf8_name_the_line():
    raw = b"A Programme\nOutputs\nMalawi\n-\nOutput 1.1 - caf" + b"\xe9 latin-1\n31.12.2025\n"
    with pytest.raises(PageError) as caught:
        decode_page(raw)
    assert caught.value.line_number == 5
    assert "not UTF-8" in str(caught.value)
