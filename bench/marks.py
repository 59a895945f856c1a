"""How bench rows are told apart from real ones: every generated row carries one of these
marks, and clearing.py deletes exactly the rows that do."""

ACRONYM_PREFIX = "BENCH"
SLUG_PREFIX = "bench"
EMAIL_DOMAIN = "bench.nmi-q.example"
#: The one account with a long inbox; run.py signs in as this person.
INBOX_EMAIL = f"inbox@{EMAIL_DOMAIN}"
PASSWORD = "bench-password-2026"  # noqa: S105 - bench accounts only, removed by --clear
#: The bench's working areas take numbers no real one has.
TWA_FIRST_NUMBER = 900
