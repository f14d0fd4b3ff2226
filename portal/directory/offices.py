"""How a unit's office is named wherever the portal prints it: pages, opinion blocks, certificates and letters."""

from portal.directory.models import Division, DivisionKind

PROVINCE_OFFICE = "河北省中小企业局"


def office_of(division) -> str:
    """The unit's office as it signs (Division.office_name, kept by the 系统管理员), e.g. 安平县工业和信息化局;
    without one, the usual name of a 工业和信息化局 (the province: 河北省中小企业局). No unit, no name."""
    if division is None:
        return ""
    if division.is_province:
        return division.office_name or PROVINCE_OFFICE
    return division.office_name or f"{division.name}工业和信息化局"


def province_office() -> str:
    province = Division.objects.filter(kind=DivisionKind.PROVINCE).only("office_name", "kind").first()
    return office_of(province) if province is not None else PROVINCE_OFFICE
