"""A test CA and server certificates made with `cryptography`, and a slapd that listens on LDAPS
with them, as a council's own CA and domain controller would (nothing added to any trust store).

The server certificate names the address 127.0.0.1 only, so `ldaps://127.0.0.1:<port>` verifies and
`ldaps://localhost:<port>` (the same server under a name the certificate lacks) is a name mismatch.
"""

import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Council"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write(path: str, data: bytes) -> str:
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def make_ca(directory: str, cn: str) -> tuple[str, object, object]:
    """(PEM path, key, certificate) of a new self-signed CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn)).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    path = _write(os.path.join(directory, f"{cn.replace(' ', '-').lower()}.pem"),
                  cert.public_bytes(serialization.Encoding.PEM))
    return path, key, cert


def make_server_cert(directory: str, ca_key, ca_cert, ip: str) -> tuple[str, str]:
    """(certificate path, key path) for a server at the address `ip` (its only name), signed by the CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(_name(ip)).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_path = _write(os.path.join(directory, "server.pem"), cert.public_bytes(serialization.Encoding.PEM))
    key_path = _write(os.path.join(directory, "server.key"), key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


class TLSMixin:
    """A slapd that also listens on ldaps://127.0.0.1:`ldaps_port` with the test CA's certificate
    (set cafile / servercert / serverkey before start())."""

    ldaps_port: int

    @property
    def ldaps_uri(self) -> str:
        return f"ldaps://127.0.0.1:{self.ldaps_port}/"

    def _start_slapd(self):
        # slapdtest passes its listeners to `slapd -h` joined by spaces: add LDAPS for the start.
        plain = self.ldap_uri
        self.ldap_uri = f"{plain} {self.ldaps_uri}"
        try:
            super()._start_slapd()
        finally:
            self.ldap_uri = plain
