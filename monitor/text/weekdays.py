"""The names of the days of the week: the one table the date reader and
`digest.schedule` share. Kept apart from thaidate so that reading sources.yaml
does not compile the date reader's patterns (about 20 ms of every start).
"""

# Monday first, as date.weekday() counts. Each row: Thai, the English name, then
# the English abbreviations, the first being the one `digest.schedule` writes.
WEEKDAY_NAMES: tuple[tuple[str, ...], ...] = (
    ("จันทร์", "monday", "mon"),
    ("อังคาร", "tuesday", "tue", "tues"),
    ("พุธ", "wednesday", "wed"),
    ("พฤหัสบดี", "พฤหัสฯ", "พฤหัส", "thursday", "thu", "thurs", "thur"),
    ("ศุกร์", "friday", "fri"),
    ("เสาร์", "saturday", "sat"),
    ("อาทิตย์", "sunday", "sun"),
)
