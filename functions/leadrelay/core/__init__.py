"""The pure core: rules, scoring, lifecycle, identity matching, write planning.

Nothing under ``leadrelay.core`` performs I/O or imports AWS or Salesforce libraries;
tests/test_architecture.py enforces it.
"""
