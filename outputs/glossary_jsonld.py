"""schema.org data of a glossary term's page: a DefinedTerm in the portal's DefinedTermSet."""

from django.urls import reverse

from nmiq_portal.core.jsonld import json_ld


def term_set_data(request) -> dict:
    return {
        "@type": "DefinedTermSet",
        "@id": request.build_absolute_uri(reverse("outputs:term_list")),
        "name": "NMI-Q Portal glossary",
        "url": request.build_absolute_uri(reverse("outputs:term_list")),
    }


def term_data(request, term) -> dict:
    url = request.build_absolute_uri(term.get_absolute_url())
    data = {
        "@type": "DefinedTerm",
        "@id": url,
        "url": url,
        "name": term.term,
        "description": term.definition,
        "inDefinedTermSet": term_set_data(request),
        "identifier": str(term.uuid),
    }
    if term.abbreviation:
        data["termCode"] = term.abbreviation
    if term.synonyms:
        data["alternateName"] = list(term.synonyms)
    citation = ", ".join(part for part in (term.source, term.clause) if part)
    if citation:
        data["citation"] = (
            {"@type": "CreativeWork", "name": citation, "url": term.source_url}
            if term.source_url
            else citation
        )
    return data


def term_set_ld(request, terms) -> str:
    """The glossary page's DefinedTermSet, naming the terms the page lists."""
    data = term_set_data(request)
    data["hasDefinedTerm"] = [
        {
            "@type": "DefinedTerm",
            "name": term.term,
            "url": request.build_absolute_uri(term.get_absolute_url()),
        }
        for term in terms
    ]
    return json_ld(data)


def term_ld(request, term) -> str:
    """The term's DefinedTerm, ready for <script type="application/ld+json">."""
    return json_ld(term_data(request, term))
