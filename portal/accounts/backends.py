"""Authentication backend: Django's ModelBackend, with the account read once per request including its unit."""

import rules
from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    """Every signed-in request loads its user (django.contrib.auth.get_user); the navigation, the jurisdiction
    selectors and the rules then read the official's `unit`: one query with a join instead of two. (Joining the
    enterprise as well would cost every official's request more to compile than it saves the enterprise pages.)"""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("unit").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm, obj=None):
        """A permission the rules define (permissions/rules.py) is theirs alone to answer: asking the database's
        permission tables as well would cost two queries on every page that meets a rule answering no."""
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj)
