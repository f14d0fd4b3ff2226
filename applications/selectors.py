"""Reads that every view starts from: jurisdiction lives here and nowhere else."""

from applications.models import Application
from portal.accounts.models import Role


def applications_visible_to(user):
    """The applications `user` may see at all; anything outside answers 404.

    Officials see an application once it has been submitted; 系统管理员 and 审计管理员 see none
    (separation of duties).
    """
    queryset = Application.objects.all()
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.ENTERPRISE:
        if user.enterprise_id is None:
            return queryset.none()
        return queryset.filter(enterprise_id=user.enterprise_id)
    submitted = queryset.filter(submitted_at__isnull=False)
    if user.role == Role.COUNTY and user.unit_id:
        return submitted.filter(enterprise__county_id=user.unit_id)
    if user.role == Role.CITY and user.unit_id:
        return submitted.filter(enterprise__county__reviewing_city_id=user.unit_id)
    if user.role == Role.PROVINCE:
        return submitted
    return queryset.none()


def enterprise_applications(user):
    """The enterprise's applications, newest campaign first, with what the home page shows of each."""
    return (
        applications_visible_to(user)
        .select_related("campaign", "cluster", "enterprise", "certificate")
        .order_by("-campaign__year")
    )


def materials_visible_to(user):
    """Uploaded files follow their application's jurisdiction."""
    from applications.models import Material

    return Material.objects.filter(application__in=applications_visible_to(user))
