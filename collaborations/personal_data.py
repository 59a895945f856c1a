"""The personal data of collaborations: the proposals a person made (they stay, attributed to a
removed user, with their institute)."""

from nmiq_portal.accounts.personal_data import PersonalData, register

from .models import Project


def _proposals(user) -> list[dict]:
    return [
        {"acronym": project.acronym, "title": project.title, "status": project.status}
        for project in Project.objects.filter(proposer=user).order_by("created_at", "pk")
    ]


register(PersonalData("proposals", export=_proposals))
