"""Point-to-site VPN root certificates in the form Azure wants: base64 DER on one line.

Azure's `public_cert_data` must be the certificate's base64 body without the
`-----BEGIN/END CERTIFICATE-----` lines or newlines. `terraform validate` accepts header
lines and Azure only rejects them at apply time, so the form is checked here at synth.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from sigmatiq_infra.validation import ValidationError

ACCEPTED = (
    "a PEM certificate (-----BEGIN CERTIFICATE----- ...), a DER certificate file, or its "
    "base64 DER text on one line without header lines"
)


def public_cert_data(value: str | bytes, *, where: str) -> str:
    """Normalize a root certificate (PEM, DER or base64 DER) to Azure's `public_cert_data`.

    `where` names the setting or file in error messages. Anything that is not exactly one
    X.509 certificate (a private key, a certificate request, garbage) is rejected.
    """
    raw = value.encode() if isinstance(value, str) else value
    text = raw.decode("ascii", errors="replace").strip()
    if "PRIVATE KEY" in text:
        raise _error(where, "contains a private key", "never hand a private key to the VPN gateway; "
                     "give only the root certificate (the public part)")
    try:
        if "-----BEGIN" in text:
            if text.count("-----BEGIN CERTIFICATE-----") != 1:
                raise ValueError("not exactly one PEM certificate")
            certificate = x509.load_pem_x509_certificate(raw)
        elif raw[:1] == b"\x30":  # a DER SEQUENCE: a binary certificate file
            certificate = x509.load_der_x509_certificate(raw)
        else:
            der = base64.b64decode("".join(text.split()), validate=True)
            certificate = x509.load_der_x509_certificate(der)
    except (ValueError, binascii.Error) as problem:
        raise _error(where, f"is not an X.509 certificate ({problem})",
                     "export the root certificate again (see `sigmatiq-infra vpn-cert root`)") from None
    return base64.b64encode(certificate.public_bytes(Encoding.DER)).decode("ascii")


def read_public_cert_data(path: str | Path) -> str:
    """`public_cert_data` from a certificate file (PEM, DER or base64 DER)."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as problem:
        raise _error(str(file), f"cannot be read ({problem.strerror})",
                     "point the setting at an existing certificate file") from None
    return public_cert_data(raw, where=str(file))


def _error(where: str, problem: str, fix: str) -> ValidationError:
    return ValidationError([
        f"VPN root certificate {where!r} {problem}. Allowed: {ACCEPTED}. Fix: {fix}."
    ])
