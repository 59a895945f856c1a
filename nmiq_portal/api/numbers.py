"""The API reads numbers as the forms do: a number sent as text may carry the typographic minus
(U+2212 and its small and full-width forms) and a decimal comma. Write serializers declare
their numbers with these fields and extend ``ModelSerializer``, whose model numbers become them;
``tests/core/test_numbers.py`` walks every write serializer to hold that."""

from rest_framework import serializers

from nmiq_portal.core.numbers import plain_number, plain_sign


class FloatField(serializers.FloatField):
    def to_internal_value(self, data):
        return super().to_internal_value(plain_number(data) if isinstance(data, str) else data)


class DecimalField(serializers.DecimalField):
    def to_internal_value(self, data):
        return super().to_internal_value(plain_number(data) if isinstance(data, str) else data)


class IntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        return super().to_internal_value(plain_sign(data) if isinstance(data, str) else data)


_OURS = {
    serializers.FloatField: FloatField,
    serializers.DecimalField: DecimalField,
    serializers.IntegerField: IntegerField,
}


class ModelSerializer(serializers.ModelSerializer):
    """The ModelSerializer of every write: its model's numbers read the typographic minus."""

    serializer_field_mapping = {
        model_field: _OURS.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
