"""Backup and restore of the whole portal: every database row plus every private file, with a manifest.

The archive is a .tar.gz holding
  manifest.json   — format, time, source database, applied migrations, row counts, SHA-256 of every member
  database.jsonl  — `dumpdata --all` in JSON Lines (every model, primary keys kept; sessions left out)
  files/<name>    — every file of the private (default) storage, under its storage name

Why dumpdata/loaddata rather than pg_dump or sqlite3 .backup: one format and one command for SQLite
and PostgreSQL (a development backup restores into production and back), no client binaries that must
match the server's version, and the rows go through the same models the code uses. JSON Lines is read
one object at a time, so memory stays flat. The price is speed on very large databases; the row
counts in the manifest are checked after every restore.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from portal.audit.models import Event
from portal.audit.services import audit

FORMAT = "hebei-portal-backup/1"
EXCLUDED_MODELS = ["sessions"]  # restored sessions would log people back in
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive is unusable or does not match this installation; nothing was changed."""


@dataclass
class RestoreReport:
    rows: dict = field(default_factory=dict)
    files: int = 0
    removed_files: int = 0


def _sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Hands a file to tarfile while hashing what passes through."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.fileobj.read(size)
        self.digest.update(data)
        return data


def storage_files(storage=None, path: str = ""):
    """Every file name in the storage, depth first (an absent root is an empty storage)."""
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from storage_files(storage, f"{path}/{directory}" if path else directory)


def applied_migrations() -> dict[str, list[str]]:
    applied = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _row_counts_from(dump: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with dump.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                label = json.loads(line)["model"]  # lower case, e.g. "applications.application"
                counts[label] = counts.get(label, 0) + 1
    return {apps.get_model(label)._meta.label: count for label, count in sorted(counts.items())}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup_create(*, out: Path) -> dict:
    """Write the archive to `out` (atomically: a partial archive never carries the final name)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    audit(Event.EXPORT, username="backup_portal", detail=f"备份数据库与私有文件到 {out.name}")
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as scratch:
        dump = Path(scratch) / "database.jsonl"
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # One snapshot for every table, while the portal keeps running.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            call_command(
                "dumpdata",
                format="jsonl",
                all=True,
                exclude=EXCLUDED_MODELS,
                output=str(dump),
                verbosity=0,
            )
            migrations = applied_migrations()
        with dump.open("rb") as handle:
            dump_sha256 = _sha256_of(handle)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "rows": _row_counts_from(dump),
            "database": {"name": "database.jsonl", "sha256": dump_sha256, "size": dump.stat().st_size},
            "files": [],
        }
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname="database.jsonl")
            for name in storage_files():
                info = tarfile.TarInfo(f"files/{name}")
                info.size = default_storage.size(name)
                info.mtime = int(timezone.now().timestamp())
                with default_storage.open(name, "rb") as source:
                    reader = _HashingReader(source)
                    archive.addfile(info, reader)
                manifest["files"].append({"name": name, "sha256": reader.digest.hexdigest(), "size": info.size})
            _add_bytes(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    os.replace(partial, out)
    return manifest


def _scan(path: Path) -> tuple[dict, dict[str, str]]:
    """One pass over the archive: its manifest and the SHA-256 of every regular member."""
    manifest = None
    hashes: dict[str, str] = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if not member.isfile():
                continue
            with archive.extractfile(member) as content:
                if member.name == "manifest.json":
                    try:
                        manifest = json.loads(content.read().decode("utf-8"))
                    except ValueError as error:
                        raise BackupError("备份文件中的 manifest.json 无法读取。") from error
                else:
                    hashes[member.name] = _sha256_of(content)
    if manifest is None:
        raise BackupError("备份文件中没有 manifest.json，不是本系统的备份。")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')!r} 与本系统（{FORMAT}）不符。")
    return manifest, hashes


def _check_members(manifest, hashes) -> None:
    """Every member the manifest lists is there with its SHA-256, and nothing else is."""
    expected = {manifest["database"]["name"]: manifest["database"]["sha256"]}
    expected.update({f"files/{entry['name']}": entry["sha256"] for entry in manifest["files"]})
    for name, sha256 in expected.items():
        if name not in hashes:
            raise BackupError(f"备份文件缺少 {name}。")
        if hashes[name] != sha256:
            raise BackupError(f"{name} 的 SHA-256 与清单不符，备份文件已损坏或被改动。")
    extra = sorted(set(hashes) - set(expected))
    if extra:
        raise BackupError(f"备份文件含有清单之外的内容：{extra[0]}。")


def backup_verify(*, path: Path) -> dict:
    """Check the archive against its manifest and this installation without changing anything."""
    try:
        manifest, hashes = _scan(Path(path))
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"无法读取备份文件：{error}") from error
    _check_members(manifest, hashes)
    applied = applied_migrations()
    unknown = sorted(
        f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names if name not in applied.get(app, [])
    )
    if unknown:
        raise BackupError(
            "备份来自更新版本的程序，本系统尚未执行这些数据库迁移：" + "、".join(unknown[:10]) + "。请先升级程序并执行 migrate。"
        )
    return manifest


def _model_count(label: str) -> int:
    return apps.get_model(label)._base_manager.count()


def _restore_database(path: Path, manifest) -> dict:
    """Flush and reload every row in one transaction; refused (and rolled back) if a table's count differs."""
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as scratch:
        dump = Path(scratch) / "database.jsonl"
        with (
            tarfile.open(path, "r:gz") as archive,
            archive.extractfile(manifest["database"]["name"]) as source,
            dump.open("wb") as target,
        ):
            for chunk in iter(lambda: source.read(CHUNK), b""):
                target.write(chunk)
        with transaction.atomic():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            call_command("loaddata", str(dump), verbosity=0)
            ContentType.objects.clear_cache()
            for label, expected in manifest["rows"].items():
                actual = _model_count(label)
                if actual != expected:
                    raise BackupError(f"恢复后 {label} 有 {actual} 行，备份清单为 {expected} 行；已撤销数据库恢复。")
    return dict(manifest["rows"])


def _remove_files_not_in(wanted: dict) -> int:
    removed = 0
    for name in list(storage_files()):
        if name not in wanted:
            default_storage.delete(name)
            removed += 1
    return removed


def _restore_file(archive, member, name: str, sha256: str) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    with archive.extractfile(member) as source:
        stored = default_storage.save(name, File(source, name=os.path.basename(name)))
    if stored != name:
        raise BackupError(f"文件 {name} 未能按原名写回（存储返回 {stored}）。")
    with default_storage.open(name, "rb") as written:
        if _sha256_of(written) != sha256:
            raise BackupError(f"文件 {name} 写回后的 SHA-256 与清单不符。")


def _restore_files(path: Path, wanted: dict) -> int:
    """Write back every file of the archive the manifest lists, checking each hash; how many were written."""
    written = 0
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            name = member.name.removeprefix("files/")
            if member.name.startswith("files/") and name in wanted:
                _restore_file(archive, member, name, wanted[name]["sha256"])
                written += 1
    return written


def backup_restore(*, path: Path) -> RestoreReport:
    """Replace every row and every private file with the archive's. The archive is verified first;
    the database part is one transaction (all or nothing); files are written after it commits."""
    path = Path(path)
    manifest = backup_verify(path=path)
    report = RestoreReport()
    report.rows = _restore_database(path, manifest)
    # The cache holds copies of what was just replaced (sessions, accounts, a campaign's figures): emptied, so nobody
    # stays signed in from before the restore (sessions are not in backups) and no figure outlives it.
    cache.clear()
    # Content types and permissions of models newer than the backup.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    wanted = {entry["name"]: entry for entry in manifest["files"]}
    report.removed_files = _remove_files_not_in(wanted)
    report.files = _restore_files(path, wanted)
    audit(
        Event.ADMIN_CHANGE,
        username="restore_portal",
        detail=f"从备份恢复（{manifest['created_at']} 创建）：{sum(report.rows.values())} 行，{report.files} 个文件",
    )
    return report


def backup_default_name(directory: Path) -> Path:
    return Path(directory) / f"portal-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
