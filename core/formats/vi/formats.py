# Vietnamese dates as written in running text ("31 tháng 12 năm 2025", "31/12/2025"): Django's
# own start with a capitalised "Ngày", which reads wrongly inside a sentence.
DATE_FORMAT = r"j \t\h\á\n\g n \n\ă\m Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = r"H:i, j \t\h\á\n\g n \n\ă\m Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
YEAR_MONTH_FORMAT = r"\t\h\á\n\g n \n\ă\m Y"
MONTH_DAY_FORMAT = r"j \t\h\á\n\g n"
NUMBER_GROUPING = 3  # 12.345, as Vietnamese writes it (Django leaves it ungrouped)
