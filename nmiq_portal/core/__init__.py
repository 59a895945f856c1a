"""The site's shared pieces: home page, health check, form rendering, PostgreSQL extensions."""
