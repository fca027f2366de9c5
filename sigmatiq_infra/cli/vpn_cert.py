"""`vpn-cert`: the point-to-site root and client certificates (replaces the seed's
PowerShell/OpenSSL steps), made with the `cryptography` library."""

from __future__ import annotations

import argparse
import base64
import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sigmatiq_infra.cli.errors import CliError, path_argument

PASSPHRASE_VARIABLE = "SIGMATIQ_P2S_KEY_PASSPHRASE"
PFX_PASSWORD_VARIABLE = "SIGMATIQ_P2S_PFX_PASSWORD"
CLIENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class VpnCertDefaults:
    """Where `vpn-cert` puts (and finds) the certificates when no option says: an app's own
    command passes its own (`register(commands, defaults=...)`)."""

    common_name: str = "P2SRoot"
    """The root's CN, which is also its name on the VPN gateway (`RootCertificate.name`)."""
    root_certificate_file: Path = Path("p2s-root.cer")
    """Where the root certificate goes (base64 DER), e.g. where the app's settings read it."""
    key_directory: Path = Path("~/.sigmatiq-infra/p2s")
    """Outside any repository: the root's encrypted key, and the client certificates."""
    where_read: str = "for your VPN gateway's RootCertificate"
    """Who reads the root certificate, as the command's output says it."""


def register(commands: argparse._SubParsersAction, defaults: VpnCertDefaults | None = None) -> None:
    defaults = defaults or VpnCertDefaults()
    command = commands.add_parser(
        "vpn-cert", help="create point-to-site VPN certificates",
        description="Create the P2S root certificate and client certificates signed by it.",
    )
    kinds = command.add_subparsers(dest="kind", required=True, metavar="KIND")

    root = kinds.add_parser(
        "root", help="create the root certificate",
        description=(
            f"Create the self-signed root CN={defaults.common_name}. Its base64 DER goes to "
            f"{defaults.root_certificate_file} (base64 DER, {defaults.where_read}); its private key goes outside "
            f"the repository, encrypted with ${PASSPHRASE_VARIABLE}."
        ),
    )
    root.add_argument("--cert-out", type=path_argument, default=defaults.root_certificate_file,
                      help="root certificate, base64 DER (default: %(default)s)")
    root.add_argument("--key-out", type=path_argument,
                      default=defaults.key_directory / f"{defaults.common_name}.key.pem",
                      help="root private key, PEM (default: %(default)s)")
    root.add_argument("--common-name", default=defaults.common_name, help="default: %(default)s")
    root.add_argument("--days", type=_days, default=3650, help="validity in days (default: %(default)s)")
    root.add_argument("--force", action="store_true", help="overwrite existing files")
    root.set_defaults(run=create_root, where_read=defaults.where_read)

    client = kinds.add_parser(
        "client", help="create a client certificate signed by the root",
        description=(
            f"Create a client certificate for NAME, signed by the root, as NAME.pfx (password from "
            f"${PFX_PASSWORD_VARIABLE}) and NAME.pem (certificate and encrypted key), for the VPN client."
        ),
    )
    client.add_argument("name", metavar="NAME", help="who or what the certificate is for, e.g. alice-laptop")
    client.add_argument("--root-cert", type=path_argument, default=defaults.root_certificate_file,
                        help="root certificate (default: %(default)s)")
    client.add_argument("--root-key", type=path_argument,
                        default=defaults.key_directory / f"{defaults.common_name}.key.pem",
                        help="root private key (default: %(default)s)")
    client.add_argument("--out-dir", type=path_argument, default=defaults.key_directory / "clients",
                        help="where NAME.pfx and NAME.pem go (default: %(default)s)")
    client.add_argument("--days", type=_days, default=730, help="validity in days (default: %(default)s)")
    client.add_argument("--force", action="store_true", help="overwrite existing files")
    client.set_defaults(run=create_client)


def create_root(arguments: argparse.Namespace) -> int:
    cert_out, key_out = arguments.cert_out.expanduser(), arguments.key_out.expanduser()
    if not 1 <= len(arguments.common_name) <= 64:  # X.509's upper bound for a common name (RFC 5280)
        raise CliError(
            f"vpn-cert root: --common-name {arguments.common_name!r} has {len(arguments.common_name)} characters. "
            "Allowed: 1-64 (X.509's limit for a common name). Fix: give a name of 1-64 characters, e.g. OrdersP2SRoot."
        )
    _check_days(arguments.days)
    _refuse_overwrite([cert_out, key_out], arguments.force)
    passphrase = _secret(PASSPHRASE_VARIABLE, "the root key's passphrase")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, arguments.common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=arguments.days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    der = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    _write_all([
        (cert_out, der.encode() + b"\n", False),
        (key_out, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        ), True),
    ])
    print(f"root certificate CN={arguments.common_name}: {cert_out} (base64 DER, {arguments.where_read})")
    print(f"root private key (encrypted): {key_out}  - keep it offline; never commit it")
    return 0


def create_client(arguments: argparse.Namespace) -> int:
    if not CLIENT_NAME.fullmatch(arguments.name):
        raise CliError(
            f"vpn-cert client: NAME {arguments.name!r} is not allowed. Allowed: 1-64 letters, digits, "
            "'.', '_', '-', starting with a letter or digit. Fix: use a name such as 'alice-laptop'."
        )
    _check_days(arguments.days)
    out_dir = arguments.out_dir.expanduser()
    pfx_path, pem_path = out_dir / f"{arguments.name}.pfx", out_dir / f"{arguments.name}.pem"
    _refuse_overwrite([pfx_path, pem_path], arguments.force)
    root = _read_root_certificate(arguments.root_cert.expanduser())
    root_key = _read_root_key(arguments.root_key.expanduser())
    if root_key.public_key().public_numbers() != root.public_key().public_numbers():  # type: ignore[union-attr]
        raise CliError(
            f"vpn-cert client: the root key {arguments.root_key} does not belong to the root certificate "
            f"{arguments.root_cert}. Fix: pass the key created with that certificate (--root-key)."
        )
    password = _secret(PFX_PASSWORD_VARIABLE, "the client PFX password")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, arguments.name)]))
        .issuer_name(root.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(min(now + datetime.timedelta(days=arguments.days), root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()), critical=False)  # type: ignore[arg-type]
        .sign(root_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    encryption = serialization.BestAvailableEncryption(password.encode())
    _write_all([
        (pfx_path, pkcs12.serialize_key_and_certificates(
            arguments.name.encode(), key, certificate, [root], encryption,
        ), True),
        (pem_path, certificate.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption,
        ), True),
    ])
    print(f"client certificate CN={arguments.name}: {pfx_path} and {pem_path}")
    return 0


def _read_root_certificate(path: Path) -> x509.Certificate:
    from sigmatiq_infra.certificates import read_public_cert_data

    der = base64.b64decode(read_public_cert_data(path))
    return x509.load_der_x509_certificate(der)


def _read_root_key(path: Path):
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise CliError(
            f"vpn-cert client: cannot read the root key {path} ({problem.strerror}). "
            "Fix: pass --root-key, the key `vpn-cert root` wrote."
        ) from None
    if b"PRIVATE KEY-----" not in data:  # e.g. the certificate, the options swapped: no passphrase would help
        raise CliError(
            f"vpn-cert client: the root key {path} holds no PEM private key (no -----BEGIN ... PRIVATE KEY----- "
            "line). Fix: pass --root-key, the key file `vpn-cert root` wrote (--key-out), and --root-cert, "
            "its certificate."
        )
    passphrase = _secret(PASSPHRASE_VARIABLE, "the root key's passphrase")
    try:
        return serialization.load_pem_private_key(data, passphrase.encode())
    except (ValueError, TypeError):
        raise CliError(
            f"vpn-cert client: cannot decrypt the root key {path}. "
            f"Fix: set ${PASSPHRASE_VARIABLE} to the passphrase it was created with."
        ) from None


def _secret(variable: str, what: str) -> str:
    value = os.environ.get(variable, "")
    if len(value) < 12:
        raise CliError(
            f"vpn-cert: {what} comes from ${variable}, which is {'too short' if value else 'not set'}. "
            f"Allowed: 12 or more characters. Fix: export {variable} (e.g. from your password manager)."
        )
    return value


def _days(text: str) -> int:
    """argparse's `type` for `--days`: a whole number (its range is checked with the command)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number of days. Allowed: 1 to 7300. Fix: give a number such as 730."
        ) from None


def _check_days(days: int) -> None:
    if not 1 <= days <= 7300:
        raise CliError(f"vpn-cert: --days {days} is out of range. Allowed: 1 to 7300. Fix: pick a validity in days.")


def _refuse_overwrite(paths: list[Path], force: bool) -> None:
    folders = [str(p) for p in paths if p.is_dir()]
    if folders:  # --force would not help: a folder is never replaced
        raise CliError(
            f"vpn-cert: {', '.join(folders)} {'is a folder' if len(folders) == 1 else 'are folders'}, where a file "
            "goes. Fix: name a file in it, or another path."
        )
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise CliError(
            f"vpn-cert: {', '.join(existing)} already exist. Fix: move them away, or pass --force to replace them."
        )


def _write_all(files: list[tuple[Path, bytes, bool]]) -> None:
    """Write each (path, data, private) file, or none: each goes to a temporary file beside it
    first, and replaces its path once every one is written (a failed run leaves no root
    certificate without its key, nor an old file replaced). Private files get mode 600."""
    staged: list[tuple[Path, Path]] = []
    path = files[0][0]
    try:
        for path, data, private in files:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
            staged.append((temporary, path))
            if private:
                os.fchmod(descriptor, 0o600)  # a temporary file left by an earlier run keeps its own mode otherwise
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
        for temporary, path in staged:
            os.replace(temporary, path)
    except OSError as problem:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        blocker = next((parent for parent in path.parents if parent.exists()), None)
        why = f"{blocker} is a file, not a folder" if blocker is not None and not blocker.is_dir() else problem.strerror
        raise CliError(f"vpn-cert: cannot write {path} ({why}). Fix: choose a writable path.", exit_code=1) from None
