# International English as the programme's documents write dates: day, month, year.
# Pages use these names (|date:"SHORT_DATE_FORMAT"), so each language gets its own order;
# French, Portuguese and Vietnamese come from Django.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
