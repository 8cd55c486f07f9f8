"""The AWS services leadrelay's functions call: the only ones whose botocore models the build ships.

botocore carries a model for every AWS service (about 450 directories, 28 MB of a 156 MB artifact),
and a cold start's first client lists them all before it reads its own. ``functions/Makefile`` keeps
only the services named here (``functions/slim_botocore.py``), and
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
