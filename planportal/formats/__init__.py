"""Planportal's own date and number formats, one module per language (``FORMAT_MODULE_PATH``).

Django looks here before its own locale formats. Bokmål and Nynorsk write
"30.06.2027" in tables and "30. juni 2027" in running text, with a decimal comma and a
no-break space between thousands; English writes "2027-06-30" and "30 June 2027".
Use them through :mod:`planportal.formatting` (or its template filters), never a format
string of one's own.
"""
