from django.contrib import admin

from .models import Notification, OutgoingEmail


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "verb", "read_at", "email"]
    list_filter = ["verb", "email"]
    search_fields = ["recipient__email", "verb"]
    raw_id_fields = ["recipient", "actor", "email_message"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "sent_at", "attempts", "last_error"]
