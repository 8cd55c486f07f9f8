"""The pure core: rules, scoring, lifecycle, identity matching, write planning.

Nothing under ``leadrelay.domain`` performs I/O or imports AWS or Salesforce libraries;
tests/test_architecture.py enforces it.
"""
