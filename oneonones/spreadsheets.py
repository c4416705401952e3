"""Text bound for a spreadsheet (the CSV exports of reports and of a person's own data).

A cell that starts like a formula is run by a spreadsheet when the file is opened
(CSV injection): such text gets a leading apostrophe, which the spreadsheet shows as
text and does not run."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
