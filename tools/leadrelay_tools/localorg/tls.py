"""A throw-away certificate authority and server certificate for 127.0.0.1, made by ``trustme``.

simple-salesforce always builds ``https://`` URLs, so the stand-in speaks TLS; clients trust ``ca_file``.
"""

from __future__ import annotations

from pathlib import Path

import trustme


def write_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """Create ``ca.pem``, ``server.pem`` and ``server-key.pem`` in ``directory``; returns their paths."""
    ca = trustme.CA(organization_name="leadrelay local org CA (tests only)")
    server = ca.issue_cert("127.0.0.1", "localhost")
    paths = (directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")
    ca.cert_pem.write_to_path(str(paths[0]))
    server.cert_chain_pems[0].write_to_path(str(paths[1]))
    paths[2].touch(mode=0o600)
    server.private_key_pem.write_to_path(str(paths[2]))
    return paths
