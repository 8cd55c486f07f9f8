"""Ingress: from the outside world to canonical events (pure: no I/O, ``now`` injected).

* :mod:`.salesforce` — Event Relay / EventBridge deliveries (CDC and the MA-activity platform event);
* :mod:`.loops` — recognising leadrelay's own write-backs so they never trigger it again;
* :mod:`.signatures` — HubSpot v3 (v1/v2 when configured), shared-secret and generic HMAC webhooks;
* :mod:`.mapping` — the declarative JMESPath mapping of webhook payloads (``rules/mappings/*.json``);
* :mod:`.webhooks` — one webhook request, checked and mapped;
* :mod:`.results` — events, notices and rejections.
"""
