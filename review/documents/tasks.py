"""Background work for documents, run by `manage.py db_worker` (django-tasks)."""

from django_tasks import task

from .batch import certificate_batch_run


@task()
def generate_certificate_batch(batch_id: int) -> None:
    certificate_batch_run(batch_id=batch_id)
