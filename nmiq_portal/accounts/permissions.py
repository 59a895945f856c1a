"""Who may change a person's profile, tokens, data and account: that person only (django-rules)."""

import rules


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and user.pk == person.pk


@rules.predicate
def owns_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


rules.add_perm("accounts.change_profile", is_self)
rules.add_perm("accounts.create_token", rules.is_authenticated)
rules.add_perm("accounts.revoke_token", owns_token)
# A person's data and account are theirs: not even staff download or delete them for them.
rules.add_perm("accounts.export_personal_data", is_self)
rules.add_perm("accounts.delete_account", is_self)
