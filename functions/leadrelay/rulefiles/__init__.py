"""The ``rules/`` directory read, validated and compiled: what the functions load at cold start
(:mod:`leadrelay.rulefiles.bundle`) and what ``leadrelay rules`` checks before a change ships.
"""
