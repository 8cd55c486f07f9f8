"""The AWS services leadrelay's functions call: the only ones whose botocore models the build ships.

botocore carries a model for every AWS service (about 450 directories, 17 MB compressed) and their
endpoints in one 1.2 MB file; a cold start's first client lists every directory and parses that file
before it reads its own model. ``functions/Makefile`` keeps only the services named here, and only
their endpoints (``functions/slim_botocore.py``), and
:meth:`leadrelay.adapters.aws_clients.AwsClients.client` refuses any other, so a function that needs a
new service fails in the tests, naming this file, rather than in Lambda. No imports: the build reads
this file before anything is installed.
"""

from __future__ import annotations

CALLED_SERVICES = ("dynamodb", "s3", "secretsmanager", "sqs", "ssm")
"""The services the adapters create clients for (tables, decision log, secrets, queues, parameters)."""

CREDENTIAL_SERVICES = ("sts",)
"""What botocore's credential chain may call itself (assume-role and web-identity settings)."""

SHIPPED_SERVICES = CALLED_SERVICES + CREDENTIAL_SERVICES
"""Every service whose botocore model is kept in an artifact."""
