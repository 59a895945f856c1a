"""Institutes, users, memberships and notifications of the bench (used by generate.py)."""

import random
import uuid
from datetime import timedelta

from bench.catalogue import ECONOMY_RMO, FAMILY, GIVEN, KIND_WEIGHTS, NAMES, REGIONS
from bench.marks import ACRONYM_PREFIX, EMAIL_DOMAIN, INBOX_EMAIL
from capabilities.enums import METROLOGY_KINDS, MemberRole
from capabilities.models import Institute, Membership
from nmiq_portal.accounts.models import User
from nmiq_portal.notifications.models import Notification


def build_institutes(rng: random.Random, count: int) -> list[Institute]:
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=count)
    institutes = []
    for number, kind in enumerate(kinds, start=1):
        economy, rmo = rng.choice(ECONOMY_RMO)
        acronym = f"{ACRONYM_PREFIX}{number:05d}"
        name = f"{rng.choice(REGIONS)} {rng.choice(NAMES[kind])} {number}"
        institutes.append(
            Institute(
                slug=acronym.lower(),
                name=name,
                acronym=acronym,
                kind=kind,
                economy=economy,
                rmo=rmo if kind in METROLOGY_KINDS else "",
                website=f"https://{acronym.lower()}.example.org",
                description=(
                    f"{name} offers calibration, testing and characterisation of quantum devices "
                    "at cryogenic temperatures, single-photon detection and time and frequency."
                ),
                # A few are still waiting for staff to verify them, as in the live directory.
                verified=rng.random() < 0.9,
                demo=False,
            )
        )
    return institutes


def build_users(rng: random.Random, count: int, password_hash: str) -> list[User]:
    users = [User(email=INBOX_EMAIL, name="Inbox Bench", password=password_hash)]
    for number in range(1, count):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        users.append(
            User(email=f"user{number:06d}@{EMAIL_DOMAIN}", name=name, password=password_hash)
        )
    return users


def build_memberships(rng: random.Random, users, institutes) -> list[Membership]:
    return [
        Membership(
            user=user,
            institute=rng.choice(institutes),
            role=MemberRole.ADMIN if rng.random() < 0.1 else MemberRole.EDITOR,
        )
        for user in users
    ]


def notifications_for(rng, user, count, institutes, now) -> list[Notification]:
    """``count`` invitation notifications for ``user``, spread over the past year."""
    rows = []
    for _ in range(count):
        institute = rng.choice(institutes)
        created_at = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        unread = rng.random() < 0.3
        rows.append(
            Notification(
                recipient=user,
                verb="capabilities.invitation",
                data={
                    "inviter": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    "institute": institute.acronym,
                    "role": "editor",
                    "expires": "2026-12-31",
                },
                url=f"/invitations/{uuid.uuid4()}/",
                created_at=created_at,
                read_at=None if unread else created_at + timedelta(hours=rng.randrange(1, 72)),
            )
        )
    return rows
