"""Run with pretalx's own Python (bench/peer.py): an organiser, an event and N submissions, each with a speaker,
for the organiser's submission list beside the portal's province list.

    PRETALX_CONFIG_FILE=… python bench/pretalx_data.py N EMAIL PASSWORD
"""

import datetime as dt
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretalx.settings")

import django  # noqa: E402

django.setup()

from django.utils.timezone import now  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402
from pretalx.event.models import Event  # noqa: E402
from pretalx.event.utils import create_organiser_with_team  # noqa: E402
from pretalx.person.models import User  # noqa: E402
from pretalx.submission.models import Submission  # noqa: E402

count, email, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with scopes_disabled():
    admin = User.objects.create_user(email=email, password=password, name="Bench organiser")
    admin.is_administrator = True
    admin.save()
    organiser, team = create_organiser_with_team(name="Bench Org", slug="benchorg", users=[admin])
    start = now() + dt.timedelta(days=30)
    event = Event.objects.create(
        name="BenchCon", slug="benchcon", organiser=organiser, is_public=True, date_from=start.date(),
        date_to=start.date() + dt.timedelta(days=2), timezone="Asia/Shanghai", email="orga@example.org",
        locale_array="en", locale="en",
    )
with scope(event=event):
    event.build_initial_data()
    team.limit_events.add(event)
    kind = event.submission_types.first()
    speakers = User.objects.bulk_create(
        [User(email=f"speaker{i}@example.org", name=f"Speaker {i}", code=f"SPK{i:05d}") for i in range(count)]
    )
    submissions = Submission.objects.bulk_create([
        Submission(event=event, submission_type=kind, title=f"Talk number {i}", code=f"T{i:06d}", state="submitted",
                   abstract="A" * 200, description="D" * 500)
        for i in range(count)
    ])
    through = Submission.speakers.through
    through.objects.bulk_create([through(submission_id=s.pk, user_id=u.pk) for s, u in zip(submissions, speakers, strict=True)])
print(f"/orga/event/{event.slug}/submissions/")
