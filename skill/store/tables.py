"""The DynamoDB tables' names and keys: the contract between the store and the deployment.

``infrastructure/skill-stack.yaml`` creates both tables with exactly these keys and hands
their names to the function in these environment variables (tests/test_infrastructure.py
checks the template against this module).

- The records table holds one item per user, what every turn reads and writes, in the
  layout of the ASK SDK's DynamoDB adapter: partition key ``id`` (string), the record in
  the ``attributes`` map. That adapter reads and writes by a single key, so history
  cannot share the table under a sort key.
- The history table holds finished sessions and pain entries as their own items: the
  same user id as partition key, ``sk`` (string) as sort key. Items that carry
  ``expires_at`` (epoch seconds) are deleted by DynamoDB's TTL after that time; items
  without it are kept.
"""

from __future__ import annotations

RECORDS_TABLE_ENV = "SPINE_COACH_DYNAMODB_TABLE"
HISTORY_TABLE_ENV = "SPINE_COACH_HISTORY_TABLE"
PARTITION_KEY = "id"
HISTORY_SORT_KEY = "sk"
TTL_ATTRIBUTE = "expires_at"
