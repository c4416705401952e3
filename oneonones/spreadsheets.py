"""Text bound for a spreadsheet (the CSV exports of reports and of a person's own data).

A cell that starts like a formula is run by a spreadsheet when the file is opened
(CSV injection): such text gets a leading apostrophe, which the spreadsheet shows as
text and does not run. The exports apply it inline in their per-cell function (it runs for
every cell of a file): ``"'" + text if text.startswith(FORMULA_STARTS) else text``."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
