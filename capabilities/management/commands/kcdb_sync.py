"""Bring an institute's services in line with its CMCs in the KCDB, through the bulk import."""

import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from capabilities import kcdb, services
from capabilities.enums import ImportKind, ImportStatus, MetrologyArea
from capabilities.models import Institute


class Command(BaseCommand):
    help = (
        "Fetch an institute's CMCs from the KCDB API and check them as an import (a sync: "
        "version bumps update, new CMCs are added, absent ones offered for retirement). "
        "With --apply the checked import is applied."
    )

    def add_arguments(self, parser):
        parser.add_argument("institute", help="The institute's slug in the portal.")
        parser.add_argument(
            "--as", dest="email", required=True, help="E-mail of the member or staff it runs as."
        )
        parser.add_argument("--nmi", help="The KCDB's code of the NMI (default: its acronym).")
        parser.add_argument(
            "--area",
            action="append",
            choices=MetrologyArea.values,
            help="Metrology area to fetch (repeatable; default: all).",
        )
        parser.add_argument("--apply", action="store_true", help="Apply the checked import.")
        parser.add_argument(
            "--retire-absent",
            action="store_true",
            help="With --apply: retire the KCDB records the KCDB no longer lists.",
        )

    def handle(self, *args, **options):
        try:
            institute = Institute.objects.get(slug=options["institute"])
            actor = get_user_model().objects.get(email__iexact=options["email"])
        except (Institute.DoesNotExist, get_user_model().DoesNotExist) as error:
            raise CommandError(str(error)) from error
        try:
            with requests.Session() as session:
                records = kcdb.fetch_cmcs(
                    nmi=options["nmi"] or institute.acronym,
                    country=institute.economy.code,
                    areas=options["area"] or MetrologyArea.values,
                    session=session,
                )
        except (requests.RequestException, ValueError) as error:
            raise CommandError(f"The KCDB API did not answer as expected: {error}") from error
        if not records:
            raise CommandError(f"The KCDB lists no CMC of {institute.acronym}.")
        try:
            job = services.import_check(
                actor=actor,
                institute=institute,
                kind=ImportKind.SERVICE,
                filename=f"kcdb-{institute.slug}-{timezone.now():%Y-%m-%d}.json",
                rows=records,
            )
            self.stdout.write(
                f"{len(records)} CMCs: {job.to_create} to add, {job.to_update} to update, "
                f"{job.to_retire} no longer listed. Preview: {job.get_absolute_url()}"
            )
            if job.status != ImportStatus.VALIDATED:
                raise CommandError(job.error)
            if options["apply"]:
                services.import_queue(actor=actor, job=job, retire_absent=options["retire_absent"])
                job = services.import_apply(job=job)
                if job.status != ImportStatus.DONE:
                    raise CommandError(job.error)
                self.stdout.write(f"Applied: {job.processed} rows.")
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(str(error)) from error
