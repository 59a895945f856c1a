"""Notifications: an inbox per person and an e-mail outbox delivered by Celery."""
