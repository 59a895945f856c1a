"""API representations of institutes."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Institute


class EconomySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    name = serializers.CharField()


class InstituteSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="institute-detail", lookup_field="uuid")
    web_url = serializers.SerializerMethodField(help_text="The institute's page on the portal.")
    economy = serializers.SerializerMethodField()

    class Meta:
        model = Institute
        fields = [
            "uuid",
            "url",
            "web_url",
            "acronym",
            "name",
            "kind",
            "economy",
            "rmo",
            "website",
            "description",
            "verified",
            "updated_at",
        ]
        read_only_fields = fields

    def get_web_url(self, institute) -> str:
        return self.context["request"].build_absolute_uri(institute.get_absolute_url())

    @extend_schema_field(EconomySerializer)
    def get_economy(self, institute) -> dict:
        return {"code": institute.economy.code, "name": str(institute.economy.name)}
