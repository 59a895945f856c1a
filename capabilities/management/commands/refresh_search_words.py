"""Read again the words of the public records that "did you mean" suggests from."""

from django.core.management.base import BaseCommand

from capabilities import services


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        count = services.search_words_refresh()
        self.stdout.write(f"{count} words of public records.")
