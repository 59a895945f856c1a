"""API views of institutes."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from .. import selectors
from ..filters import InstituteFilterSet
from .serializers import InstituteSerializer


@extend_schema_view(
    list=extend_schema(summary="List institutes", tags=["institutes"]),
    retrieve=extend_schema(summary="One institute, by UUID", tags=["institutes"]),
)
class InstituteViewSet(viewsets.ReadOnlyModelViewSet):
    """Institutes of NMI-Q: NMIs, DIs and partners. Only verified institutes are public."""

    serializer_class = InstituteSerializer
    filterset_class = InstituteFilterSet
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return selectors.institute_list(user=self.request.user)
