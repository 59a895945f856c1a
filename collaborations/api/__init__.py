"""The collaborations API: technical working areas and projects."""
