"""Unanswered industry needs are reminded by the beat's task run in a real Celery worker, on a
clock moved past NEEDS_REMINDER_DAYS: the coordinators of the need's area are e-mailed once,
through the outbox, and nobody else."""

import datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail

from capabilities.models import TechnologyArea
from collaborations import tasks
from nmiq_portal.notifications import tasks as notification_tasks
from nmiq_portal.notifications.models import Notification
from tests.collaborations.factories import TechnicalWorkingAreaFactory, need_posted
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

POSTED = datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC)


def test_the_beat_task_reminds_an_unanswered_need_to_its_areas_coordinators_once(
    settings, celery_worker, task_waiter
):
    settings.NEEDS_REMINDER_DAYS = 30
    detectors = TechnologyArea.objects.get(slug="single-photon-detectors")
    coordinator, elsewhere = UserFactory(), UserFactory()
    TechnicalWorkingAreaFactory(coordinators=[coordinator]).technology_areas.set([detectors])
    TechnicalWorkingAreaFactory(coordinators=[elsewhere]).technology_areas.set(
        [TechnologyArea.objects.get(slug="single-photon-sources")]
    )
    with time_machine.travel(POSTED, tick=False):
        need = need_posted()
    mail.outbox.clear()
    schedule = django_settings.CELERY_BEAT_SCHEDULE["remind-unanswered-needs"]
    assert schedule["task"] == tasks.remind_unanswered_needs.name

    reminders = Notification.objects.filter(verb="collaborations.need_unanswered")
    remind = tasks.remind_unanswered_needs.name
    # A day short of the setting the worker finds nothing to remind; past it, the need once.
    with time_machine.travel(POSTED + datetime.timedelta(days=29, hours=23)):
        tasks.remind_unanswered_needs.delay()
        task_waiter.wait_for(remind)
    assert not reminders.exists()
    with time_machine.travel(POSTED + datetime.timedelta(days=30, minutes=1)):
        tasks.remind_unanswered_needs.delay()
        task_waiter.wait_for(remind, count=2)
        task_waiter.wait_for(notification_tasks.deliver_email.name)
        tasks.remind_unanswered_needs.delay()
        task_waiter.wait_for(remind, count=3)

    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert f"“{need.title}” in Single-photon detectors has had no answer for 30 days" in (
        message.subject
    )
    assert need.get_absolute_url() in message.body
    (reminder,) = reminders
    assert (reminder.recipient, reminder.target) == (coordinator, need)
