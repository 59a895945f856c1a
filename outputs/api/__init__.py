"""The outputs endpoints, one module per kind (serializers and viewsets)."""
