"""Bokmål: "30.06.2027" in tables, "30. juni 2027" in running text, "1 234,5" for numbers."""

# Django date format syntax (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date).
DATE_FORMAT = "j. F Y"  # running text: 30. juni 2027
SHORT_DATE_FORMAT = "d.m.Y"  # tables: 30.06.2027
DATETIME_FORMAT = r"j. F Y \k\l. H:i"  # 30. juni 2027 kl. 14:30
SHORT_DATETIME_FORMAT = "d.m.Y H:i"  # 30.06.2027 14:30
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j. F"
FIRST_DAY_OF_WEEK = 1  # Monday

# strftime syntax; ISO first (what <input type="date"> sends), then what people type.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%y %H:%M",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a no-break space: "12 345" never breaks between the groups
NUMBER_GROUPING = 3
