"""What the collaborations app adds to the site's shared pages (institute page, profile)."""

from nmiq_portal.core.sections import Section, register

from . import selectors

register(
    Section(
        page="institute",
        key="collaborations.projects",
        template="collaborations/_institute_projects.html",
        context=lambda request, institute: {
            "projects": selectors.institute_projects(user=request.user, institute=institute)
        },
        order=10,
    )
)
register(
    Section(
        page="work",
        key="collaborations.proposals",
        template="collaborations/_work_proposals.html",
        context=lambda request: {
            "proposals": selectors.proposals_in_progress_of(user=request.user)
        },
        order=20,
    )
)
register(
    Section(
        page="profile",
        key="collaborations.projects",
        template="collaborations/_profile_projects.html",
        context=lambda request: {
            "projects": selectors.projects_of(user=request.user),
            "reviews": selectors.review_count(user=request.user),
        },
        order=30,
    )
)
