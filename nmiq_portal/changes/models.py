"""The change feed's rows: one event per change of a public object, and each object's last one."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransactionId(models.Field):
    """A PostgreSQL ``xid8``: the 64-bit id of the transaction that wrote the row."""

    description = "PostgreSQL 64-bit transaction id (xid8)"

    def db_type(self, connection):
        return "xid8"

    def from_db_value(self, value, expression, connection):
        return None if value is None else int(value)

    def to_python(self, value):
        return None if value is None else int(value)

    def get_prep_value(self, value):
        return None if value is None else str(int(value))


def current_transaction_id():
    """``pg_current_xact_id()``, the id of the transaction that inserts the row."""
    return models.Func(function="pg_current_xact_id", output_field=TransactionId())


class Action(models.TextChoices):
    UPSERT = "upsert", _("created or changed")
    DELETE = "delete", _("no longer public")


class ChangeEvent(models.Model):
    """A public object was created or changed (upsert), or left the public directory (delete)."""

    id = models.BigAutoField(primary_key=True)
    txid = TransactionId(db_default=current_transaction_id(), editable=False)
    type_key = models.CharField(max_length=40)
    uuid = models.UUIDField()
    action = models.CharField(max_length=6, choices=Action.choices)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        indexes = [
            # The feed reads in (txid, id) order, keyset-paged from a cursor.
            models.Index(fields=["txid", "id"], name="change_event_order"),
            # Compaction finds an object's later events.
            models.Index(fields=["type_key", "uuid"], name="change_event_object"),
        ]

    def __str__(self):
        return f"{self.action} {self.type_key} {self.uuid}"


class ChangeState(models.Model):
    """What the feed last said of an object, so a draft that was never public never shows up
    and an object that was public gets its delete; its row lock orders concurrent writers."""

    type_key = models.CharField(max_length=40)
    uuid = models.UUIDField()
    #: The last action written ("" when none): after the transaction ``txid`` commits.
    action = models.CharField(max_length=6, choices=Action.choices, blank=True)
    #: The last action before the transaction ``txid``, which may still change its own event.
    before = models.CharField(max_length=6, choices=Action.choices, blank=True)
    event_id = models.BigIntegerField(null=True)
    txid = TransactionId(null=True)

    class Meta:
        verbose_name = _("change state")
        verbose_name_plural = _("change states")
        constraints = [
            models.UniqueConstraint(fields=["type_key", "uuid"], name="change_state_unique"),
        ]

    def __str__(self):
        return f"{self.type_key} {self.uuid}: {self.action or '-'}"
