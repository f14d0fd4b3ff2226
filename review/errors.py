"""The review workflow's refusals: what services, guards and effects raise when the domain says no."""


class Refused(Exception):
    """The domain says no; the message is Chinese and meant for the user."""


class TransitionRefused(Refused):
    """A transition the table, the actor's rights or a guard does not allow."""


class ActionForbidden(TransitionRefused):
    """The actor's role may never take this action (a crafted request): views answer 403."""


class VerificationChanged(Refused):
    """Someone else saved the same record since the form was opened; nothing was overwritten."""
