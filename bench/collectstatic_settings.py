"""Production settings for `collectstatic` only (bench/run.py): the vendored Bootstrap files end with
sourceMappingURL comments for .map files that are not shipped, and the manifest storage refuses them.
The portal itself then runs with portal.settings.production unchanged (it only reads the manifest)."""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "bench.collectstatic_settings.ManifestWithoutSourceMaps"}}


def _without_source_maps():
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    class ManifestWithoutSourceMaps(CompressedManifestStaticFilesStorage):
        patterns = tuple(
            (extension, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
            for extension, rules in CompressedManifestStaticFilesStorage.patterns
        )

    return ManifestWithoutSourceMaps


ManifestWithoutSourceMaps = _without_source_maps()
