"""Plugin: botocore's data files (endpoints, partitions, service models) parsed once per test process.

moto gives boto3 a new default session at the start of every ``mock_aws`` (so that no test reuses a
session holding real credentials), and Powertools and the adapters open sessions of their own. Every
new botocore session reads and parses botocore's JSON data again through a loader of its own: about a
tenth of a second of CPU per session, most of the cost of a moto test. Those files are botocore's
packaged, read-only data, so here every session of the test process gets the one loader for its data
path (as every client of one session already shares its session's). Sessions, credentials, regions,
clients and moto's state stay per test; only the parsed files are shared. Never used outside pytest.
"""

from __future__ import annotations

import functools

import botocore.session

botocore.session.create_loader = functools.cache(botocore.session.create_loader)  # type: ignore[attr-defined]
