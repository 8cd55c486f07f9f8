"""`leadrelay local-org`: run the local Salesforce stand-in (for tests and demos, not Salesforce)."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from leadrelay_tools.cli.output import print_json


def register(subparsers: Any) -> None:
    """Add the `local-org` command."""
    parser = subparsers.add_parser(
        "local-org",
        help="run a local Salesforce stand-in (HTTPS on 127.0.0.1, records in SQLite) until Ctrl-C",
        description=(
            "Serve the Salesforce REST subset leadrelay uses (SOQL query, sObject rows, sObject Collections, "
            "limits, OAuth 2.0 token) for tests and demos. It is a stand-in, not Salesforce."
        ),
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: a free one)")
    parser.add_argument(
        "--db", default=":memory:", help="SQLite file to keep records in (default: in memory)"
    )
    parser.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help="inject faults, e.g. lock=0.1,validation=0.02,limit=0.01,unavailable=0.01,session=0.01,seed=7",
    )
    parser.add_argument(
        "--metadata", type=Path, default=None, help="Salesforce DX project (default: infra/salesforce)"
    )
    parser.add_argument("--json", action="store_true", help="print the connection details as JSON")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from leadrelay_tools.localorg import (  # imported here: simple-salesforce is slow to import
        Faults,
        LocalOrg,
    )
    from leadrelay_tools.localorg.metadata import MetadataError

    try:
        faults = Faults().apply_spec(args.faults)
        org = LocalOrg(db_path=args.db, metadata_dir=args.metadata, faults=faults)
    except (ValueError, MetadataError) as exc:
        print(f"leadrelay local-org: {exc}")
        return 2
    org.start(port=args.port)
    key_file = org.workdir / "jwt-private-key.pem"
    key_file.write_text(org.jwt_credentials().private_key_pem, encoding="utf-8")
    key_file.chmod(0o600)
    client_id, client_secret = org.client_credentials()
    details = {
        "url": org.url,
        "instance_url": org.instance_url,
        "token_url": org.token_url,
        "session_id": org.session_id,
        "ca_file": org.ca_file,
        "client_id": client_id,
        "client_secret": client_secret,
        "jwt_username": org.jwt_credentials().username,
        "jwt_private_key_file": str(key_file),
        "db": args.db,
        "faults": args.faults or "none",
    }
    if args.json:
        print_json(details)
    else:
        print("leadrelay local org — a stand-in for tests and demos, not Salesforce. Ctrl-C stops it.")
        width = max(len(k) for k in details) + 2
        for key, value in details.items():  # not a table: tokens and paths must not be cut
            print(f"{key:<{width}}{value}")
        print("Clients trust ca_file (requests: session.verify = ca_file; session.trust_env = False).")
    sys.stdout.flush()  # a parent process reading our stdout through a pipe needs the details now
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        org.stop()
    return 0
