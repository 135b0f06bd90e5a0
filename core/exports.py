"""Helpers shared by every CSV export."""

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet would treat as a formula gets a leading apostrophe; numbers, dates and
    other text pass through unchanged. Use on every cell whose text came from people or the directory."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
