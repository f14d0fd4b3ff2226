"""The review screens under /review/, and the public list of awarded enterprises under /public/ (same namespace)."""

from django.urls import include, path

from review import views

app_name = "review"

review_patterns = [
    # 县级
    path("county/", views.county_home, name="county_home"),
    path("county/queue/", views.county_queue_view, name="county_queue"),
    path("applications/<int:pk>/verification/", views.verification, name="verification"),
    path(
        "applications/<int:pk>/verification/reconfirm/", views.verification_reconfirm, name="verification_reconfirm"
    ),
    # 市级
    path("city/", views.city_home, name="city_home"),
    path("city/clusters/", views.city_clusters, name="city_clusters"),
    path("city/clusters/<int:cluster_id>/rank/", views.city_cluster_rank, name="city_cluster_rank"),
    path("city/applications/<int:pk>/forward/", views.city_cluster_forward, name="city_cluster_forward"),
    # 省级
    path("province/", views.province_home, name="province_home"),
    path("province/applications/", views.province_list, name="province_list"),
    path("province/spot-checks/", views.spot_checks, name="spot_checks"),
    path("province/spot-checks/<int:pk>/", views.spot_check_draw_view, name="spot_check_draw"),
    path("province/spot-checks/checks/<int:pk>/", views.spot_check_record_view, name="spot_check_record"),
    path("province/spot-checks/checks/<int:pk>/file/", views.spot_check_file, name="spot_check_file"),
    path("province/meetings/", views.meetings, name="meetings"),
    path("province/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("province/meetings/<int:pk>/close/", views.meeting_close_view, name="meeting_close"),
    path("province/meetings/<int:pk>/award/", views.meeting_award_view, name="meeting_award"),
    path("province/publish/", views.publish_results, name="publish_results"),
    path("province/deadlines/", views.extend_deadline, name="extend_deadline"),
    # Every official
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/transition/", views.transition, name="transition"),
    # Everyone signed in
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
]

urlpatterns = [
    path("review/", include(review_patterns)),
    path("public/awarded/", views.public_awarded, name="public_awarded"),
]
