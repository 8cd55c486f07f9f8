"""``leadrelay replay``: raw inbound deliveries (JSONL) through the Lambda functions' own code paths.

``lines`` reads the file, ``runner`` sends each delivery through the ingress handlers and the
processor's pipeline and says what became of every event, ``local`` provides the in-process
environment (moto + the local org) of ``--org local``. docs/replay.md is the user's guide.
"""
