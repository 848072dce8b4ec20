"""English: "2027-06-30" in tables (ISO 8601, read the same way by every English reader),
"30 June 2027" in running text, "1,234.5" for numbers, and the 24-hour clock of Norway."""

DATE_FORMAT = "j F Y"  # running text: 30 June 2027
SHORT_DATE_FORMAT = "Y-m-d"  # tables: 2027-06-30
DATETIME_FORMAT = "j F Y, H:i"  # 30 June 2027, 14:30
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2027-06-30 14:30
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Norway

# Day before month when typed with slashes: these are Norwegian kommuner, not the US.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M",
]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
