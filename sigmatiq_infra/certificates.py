"""Point-to-site VPN root certificates in the form Azure wants: base64 DER on one line.

Azure's `public_cert_data` must be the certificate's base64 body without the
`-----BEGIN/END CERTIFICATE-----` lines or newlines. `terraform validate` accepts header
lines and Azure only rejects them at apply time, so the form is checked here at synth,
together with what makes a root unusable: not yet valid, expired, or not a CA certificate
(one that can sign client certificates). One that expires within 30 days is a warning.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sigmatiq_infra.validation import Validator

if TYPE_CHECKING:  # cryptography is imported where a certificate is read: a synth without one skips it
    from cryptography import x509

ACCEPTED = (
    "a PEM certificate (-----BEGIN CERTIFICATE----- ...), a DER certificate file, or its "
    "base64 DER text on one line without header lines"
)
EXPIRY_WARNING = datetime.timedelta(days=30)
NEW_ROOT = "create a new root with `sigmatiq-infra vpn-cert root` (and new client certificates)"


def check_root_certificate(
    value: str | bytes, *, where: str, now: datetime.datetime | None = None,
) -> tuple[str | None, Validator]:
    """(Azure's `public_cert_data` for a root certificate given as PEM, DER or base64 DER,
    or None; the validator holding its problems and warnings). `where` names the setting or
    file in messages."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    check = Validator("VPN root certificate", where)
    raw = value.encode() if isinstance(value, str) else value
    text = raw.decode("ascii", errors="replace").strip()
    if "PRIVATE KEY" in text:
        check.fail(
            "content", "<private key>", "contains a private key", ACCEPTED,
            "never hand a private key to the VPN gateway; give only the root certificate (the public part)",
        )
        return None, check
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
        check.fail(
            "content", text[:40] + ("..." if len(text) > 40 else ""), f"is not an X.509 certificate ({problem})",
            ACCEPTED, "export the root certificate again (see `sigmatiq-infra vpn-cert root`)",
        )
        return None, check
    _check_validity(check, certificate, now or datetime.datetime.now(datetime.UTC))
    return base64.b64encode(certificate.public_bytes(Encoding.DER)).decode("ascii"), check


def _check_validity(check: Validator, certificate: x509.Certificate, now: datetime.datetime) -> None:
    from cryptography import x509

    starts, ends = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    period = f"a certificate valid now (this one: {starts:%Y-%m-%d} to {ends:%Y-%m-%d})"
    subject = certificate.subject.rfc4514_string()
    if now < starts:
        check.fail("validity", subject, f"is not valid before {starts:%Y-%m-%d %H:%M} UTC", period,
                   "wait until it is valid, or check the clock of the machine that made it")
    elif now > ends:
        check.fail("validity", subject, f"expired on {ends:%Y-%m-%d}", period, NEW_ROOT)
    elif ends - now < EXPIRY_WARNING:
        check.warn("validity", subject, f"expires on {ends:%Y-%m-%d}, in {(ends - now).days} days",
                   "a root valid for more than 30 more days", NEW_ROOT + " before then")
    try:
        is_ca = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    check.require(
        is_ca, "basic constraints", subject, "is not a CA certificate, so it cannot sign client certificates",
        "a root certificate with the basic constraint CA:TRUE", NEW_ROOT,
    )


def public_cert_data(value: str | bytes, *, where: str) -> str:
    """Azure's `public_cert_data` for a root certificate; raises ValidationError with every
    problem. Anything but exactly one usable X.509 CA certificate is refused."""
    data, check = check_root_certificate(value, where=where)
    check.done()
    assert data is not None  # a certificate that could not be read is a problem, raised above
    return data


def read_root_certificate(path: str | Path) -> tuple[str | None, Validator]:
    """`check_root_certificate` of a certificate file (PEM, DER or base64 DER)."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as problem:
        check = Validator("VPN root certificate", str(file))
        check.fail("file", str(file), f"cannot be read ({problem.strerror})", "a readable certificate file",
                   "point the setting at an existing certificate file")
        return None, check
    return check_root_certificate(raw, where=str(file))


def read_public_cert_data(path: str | Path) -> str:
    """`public_cert_data` from a certificate file; raises ValidationError with every problem."""
    data, check = read_root_certificate(path)
    check.done()
    assert data is not None
    return data
