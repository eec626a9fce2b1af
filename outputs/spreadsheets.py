"""Spreadsheet safety shared by every export (the admin's and the donor exports).

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (OWASP "CSV injection"). Such text gets a leading quote, which shows it as
typed; numbers and dates are left alone so they stay numbers and dates.
"""

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Control characters other than tab, newline and carriage return: XML (XLSX, IATI) cannot carry them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_control_characters(text):
    return CONTROL_CHARACTERS.sub("", text) if text else text


def neutralise(value):
    if isinstance(value, str):
        value = strip_control_characters(value)
        if value.startswith(FORMULA_TRIGGERS):
            return "'" + value
    return value
