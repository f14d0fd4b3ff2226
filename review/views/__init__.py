"""The review screens, one module per level; `common` holds what every official (or the public) shares."""

from review.views.city import city_cluster_forward, city_cluster_rank, city_clusters, city_home
from review.views.common import (
    application_detail,
    notifications,
    notifications_read_all,
    public_awarded,
    transition,
)
from review.views.county import county_home, county_queue_view, verification, verification_reconfirm
from review.views.province import (
    extend_deadline,
    meeting_award_view,
    meeting_close_view,
    meeting_detail,
    meetings,
    province_home,
    province_list,
    publish_results,
    spot_check_draw_view,
    spot_check_file,
    spot_check_record_view,
    spot_checks,
)

__all__ = [
    "application_detail",
    "city_cluster_forward",
    "city_cluster_rank",
    "city_clusters",
    "city_home",
    "county_home",
    "county_queue_view",
    "extend_deadline",
    "meeting_award_view",
    "meeting_close_view",
    "meeting_detail",
    "meetings",
    "notifications",
    "notifications_read_all",
    "province_home",
    "province_list",
    "public_awarded",
    "publish_results",
    "spot_check_draw_view",
    "spot_check_file",
    "spot_check_record_view",
    "spot_checks",
    "transition",
    "verification",
    "verification_reconfirm",
]
