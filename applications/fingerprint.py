"""The SHA-256 of exactly what is signed at each step: the application's data and its files' hashes."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

from applications.fields import SIGNED_FIELDS


def signed_data(application) -> dict:
    """A plain, ordered picture of the application: fields, honours, partners and material hashes."""
    enterprise = application.enterprise
    return {
        "enterprise": {"name": enterprise.name, "credit_code": enterprise.credit_code},
        "fields": {name: getattr(application, name) for name in SIGNED_FIELDS},
        "honours": [
            [h.kind, h.level, h.name, h.year, h.issuer] for h in sorted(application.honours.all(), key=lambda h: h.pk)
        ],
        "partners": [
            [p.name, p.credit_code, p.cooperation] for p in sorted(application.partners.all(), key=lambda p: p.pk)
        ],
        "materials": sorted([m.kind, m.sha256] for m in application.materials.all()),
    }


def fingerprint(application) -> str:
    canonical = json.dumps(signed_data(application), cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()
