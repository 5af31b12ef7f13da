"""DynamoDB persistence: the hot record through the official ``ask-sdk-dynamodb-persistence-adapter``,
history in a second table.

Two tables (see the README's "Data" section):

- ``<table>`` (partition key ``id``): one item per user, the record under ``attributes``,
  as the ASK adapter stores it. A coaching turn reads and writes only this small item.
- ``<table>-history`` (partition key ``id``, sort key ``sk``): one item per finished or
  abandoned session and per pain score (``skill.domain.history``), the entry as JSON in ``d``.
  Written once, read by range queries, deleted with the user. With ``retention_days`` set
  each item also gets an ``expires_at`` epoch for DynamoDB's TTL (off by default: nothing is
  dropped unless the operator asks for it).

A second table rather than a sort key on the first keeps tables made for the ASK adapter
(partition key only) working unchanged.

Two traps of that package are handled here (see ``docs/platform-facts.md``): its
module builds ``boto3.resource("dynamodb")`` as a default argument at import time, which
fails without a region, so it is imported lazily with a region in place and is always
given ``dynamodb_resource=``; and it stores numbers as ``Decimal`` and rejects floats, so
records are converted on the way in and out and no ``Decimal`` reaches the skill.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.store.keys import (
    CODE,
    LINK,
    LINK_SECRET_ENV,
    PERSON_ROW,
    PLAN,
    REFUSALS_ID,
    LinkSecretMissing,
    account_key,
    code_index,
    indexed_link,
    link_id,
    link_secret,
    listed_person,
    person_row,
    refusal_window,
    user_key,
)
from skill.store.tables import TTL_ATTRIBUTE

ATTRIBUTES_NAME = "attributes"
HISTORY_SUFFIX = "-history"


def _import_adapter() -> Any:
    saved = os.environ.get("AWS_DEFAULT_REGION")
    if saved is None:
        # The module's import-time default needs some region; ours passes its own resource.
        os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    try:
        from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    finally:
        if saved is None:
            del os.environ["AWS_DEFAULT_REGION"]
    return DynamoDbAdapter


def to_dynamo(value: Any) -> Any:
    """JSON-like data with floats as Decimal, as boto3 requires."""
    return json.loads(json.dumps(value), parse_float=Decimal)


def from_dynamo(value: Any) -> Any:
    """Decimals back to int or float, recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_dynamo(v) for v in value]
    return value


class DynamoDBStore(AbstractPersistenceAdapter):  # type: ignore[misc]
    """The ASK DynamoDB adapter with numbers converted at the boundary, and the history table."""

    def __init__(self, adapter: Any, history_table: Any, retention_days: int | None = None) -> None:
        self.adapter = adapter
        self.history_table = history_table
        self.retention_days = retention_days

    @property
    def link_secret(self) -> bytes:
        """The deployment's secret for link-code hashes, from ``SPINE_COACH_LINK_SECRET``;
        ``LinkSecretMissing`` without one (the skill and the clinic's commands would each hash
        codes their own way, and every code would look wrong)."""
        secret = link_secret()
        if not secret:
            raise LinkSecretMissing(
                f"{LINK_SECRET_ENV} is not set (the stack sets it; the clinic's shell needs it too)"
            )
        return secret

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        data = from_dynamo(self.adapter.get_attributes(request_envelope=request_envelope))
        return data if isinstance(data, dict) else {}

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self._list_person(request_envelope)
        self.adapter.save_attributes(request_envelope=request_envelope, attributes=to_dynamo(attributes))

    def _list_person(self, request_envelope: Any) -> None:
        """List the request's person under its account, so that disabling the skill finds
        their record; first, so that a failure between the two leaves nothing unlisted."""
        listed = person_row(request_envelope)
        if listed is None:
            return
        try:
            self.history_table.put_item(Item={"id": account_key(request_envelope), "sk": listed})
        except Exception as exc:
            raise PersistenceException(f"DynamoDB write failed: {type(exc).__name__}") from exc

    def save_if(self, request_envelope: Any, attributes: dict[str, Any], expected_rev: int) -> bool:
        """A conditional put: only if the stored record is still at ``expected_rev``."""

        adapter = self.adapter
        condition = "attribute_not_exists(#pk) OR #attrs.#rev = :rev"
        if expected_rev == 0:
            condition += " OR attribute_not_exists(#attrs.#rev)"
            self._list_person(request_envelope)  # a first record
        return _conditional(
            lambda: adapter.dynamodb.Table(adapter.table_name).put_item(
                Item={
                    adapter.partition_key_name: adapter.partition_keygen(request_envelope),
                    adapter.attribute_name: to_dynamo(attributes),
                },
                ConditionExpression=condition,
                ExpressionAttributeNames={
                    "#pk": adapter.partition_key_name,
                    "#attrs": adapter.attribute_name,
                    "#rev": "rev",
                },
                ExpressionAttributeValues={":rev": expected_rev},
            )
        )

    def append_history(self, request_envelope: Any, entries: list[tuple[str, dict[str, Any]]]) -> None:
        """One item per entry (sort key, entry); an item with the same key is replaced."""
        if not entries:
            return
        self._list_person(request_envelope)  # a person whose first words were a pain score
        key = user_key(request_envelope)
        expires = int(time.time()) + self.retention_days * 86400 if self.retention_days else None
        try:
            if len(entries) == 1:
                self.history_table.put_item(Item=self._item(key, *entries[0], expires))
                return
            with self.history_table.batch_writer(overwrite_by_pkeys=["id", "sk"]) as batch:
                for sk, entry in entries:
                    batch.put_item(Item=self._item(key, sk, entry, expires))
        except Exception as exc:
            raise PersistenceException(f"DynamoDB history write failed: {type(exc).__name__}") from exc

    @staticmethod
    def _item(key: str, sk: str, entry: dict[str, Any], expires: int | None) -> dict[str, Any]:
        item: dict[str, Any] = {"id": key, "sk": sk, "d": json.dumps(entry, separators=(",", ":"))}
        if expires is not None:
            item[TTL_ATTRIBUTE] = expires
        return item

    def history(self, request_envelope: Any, start: str, end: str) -> list[dict[str, Any]]:
        """The user's history items with ``start <= sk < end``, in key order (every page),
        without those past their retention: DynamoDB's TTL deletes an expired item within
        days, not at once, and until then it is no longer the user's history."""
        from boto3.dynamodb.conditions import Key

        condition = Key("id").eq(user_key(request_envelope)) & Key("sk").between(start, end)
        found: list[dict[str, Any]] = []
        now = time.time()
        try:
            for item in self._query(KeyConditionExpression=condition, ProjectionExpression=f"sk, d, {TTL_ATTRIBUTE}"):
                if str(item["sk"]) >= end:
                    continue  # BETWEEN includes its upper bound; ours does not
                if TTL_ATTRIBUTE in item and float(item[TTL_ATTRIBUTE]) <= now:
                    continue
                entry = json.loads(str(item.get("d", "null")))
                if isinstance(entry, dict):
                    found.append(entry)
        except PersistenceException:
            raise
        except Exception as exc:
            raise PersistenceException(f"DynamoDB history read failed: {type(exc).__name__}") from exc
        return found

    def _query(self, **query: Any) -> Any:
        while True:
            page = self.history_table.query(ConsistentRead=True, **query)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete_attributes(self, request_envelope: Any) -> None:
        """Delete every history item (batches of 25), then the record. The account's own
        record keeps the people listed under it: they are theirs."""
        self._delete(user_key(request_envelope), keep_people=True)
        listed = person_row(request_envelope)
        if listed is not None:  # nothing of the person is left to find
            try:
                self.history_table.delete_item(Key={"id": account_key(request_envelope), "sk": listed})
            except Exception as exc:
                raise PersistenceException(f"DynamoDB delete failed: {type(exc).__name__}") from exc

    def delete_account(self, request_envelope: Any) -> None:
        """``delete_attributes`` for every person recognised on the account, then for the
        account (the skill was disabled: nothing of anyone is kept)."""
        from boto3.dynamodb.conditions import Key

        account = account_key(request_envelope)
        try:
            rows = list(
                self._query(
                    KeyConditionExpression=Key("id").eq(account) & Key("sk").begins_with(PERSON_ROW),
                    ProjectionExpression="sk",
                )
            )
        except Exception as exc:
            raise PersistenceException(f"DynamoDB read failed: {type(exc).__name__}") from exc
        for row in rows:
            self._delete(listed_person(account, str(row["sk"])), keep_people=False)
        self._delete(account, keep_people=False)

    def _delete(self, key: str, *, keep_people: bool) -> None:
        from boto3.dynamodb.conditions import Key

        try:
            keys = list(self._query(KeyConditionExpression=Key("id").eq(key), ProjectionExpression="id, sk"))
            with self.history_table.batch_writer() as batch:
                for item in keys:
                    if keep_people and str(item["sk"]).startswith(PERSON_ROW):
                        continue
                    batch.delete_item(Key={"id": item["id"], "sk": item["sk"]})
                    if str(item["sk"]).startswith(CODE):  # a link code issued to the user
                        batch.delete_item(Key={"id": indexed_link(str(item["sk"])), "sk": LINK})
        except Exception as exc:
            raise PersistenceException(f"DynamoDB history delete failed: {type(exc).__name__}") from exc
        adapter = self.adapter
        try:
            adapter.dynamodb.Table(adapter.table_name).delete_item(Key={adapter.partition_key_name: key})
        except Exception as exc:
            raise PersistenceException(f"DynamoDB delete failed: {type(exc).__name__}") from exc

    # -- a physiotherapist's plan and its link codes (items of the history table) ----------

    def put_link(self, code_hash: str, user: str, now: int, expires_at: int) -> bool:
        """Store a link code's hash for ``user`` until ``expires_at`` (epoch seconds; also
        DynamoDB's TTL, which purges expired codes); False when a live code with the same
        hash is waiting. The user's older codes are revoked (one live code each), and the
        code is indexed under its user ("code#<hash>") so deleting the user deletes it."""
        from boto3.dynamodb.conditions import Key

        stored = _conditional(
            lambda: self.history_table.put_item(
                Item={"id": link_id(code_hash), "sk": LINK, "user": user, TTL_ATTRIBUTE: expires_at},
                ConditionExpression="attribute_not_exists(id) OR #expires <= :now",
                ExpressionAttributeNames={"#expires": TTL_ATTRIBUTE},
                ExpressionAttributeValues={":now": now},
            )
        )
        if not stored:
            return False
        try:
            older = self._query(
                KeyConditionExpression=Key("id").eq(user) & Key("sk").begins_with(CODE), ProjectionExpression="sk"
            )
            with self.history_table.batch_writer() as batch:
                for item in older:
                    batch.delete_item(Key={"id": user, "sk": item["sk"]})
                    batch.delete_item(Key={"id": indexed_link(str(item["sk"])), "sk": LINK})
            self.history_table.put_item(Item={"id": user, "sk": code_index(code_hash), TTL_ATTRIBUTE: expires_at})
        except Exception as exc:
            raise PersistenceException(f"DynamoDB write failed: {type(exc).__name__}") from exc
        return True

    def claim_link(self, code_hash: str, now: int) -> str | None:
        """The user a live code was made for, deleting it in the same call (single use:
        two clinics racing with one code cannot both get it); None when absent or expired."""
        try:
            old = self.history_table.delete_item(Key={"id": link_id(code_hash), "sk": LINK}, ReturnValues="ALL_OLD")
            owner = (old.get("Attributes") or {}).get("user")
            if isinstance(owner, str):
                self.history_table.delete_item(Key={"id": owner, "sk": code_index(code_hash)})
        except Exception as exc:
            raise PersistenceException(f"DynamoDB write failed: {type(exc).__name__}") from exc
        return _live_user(from_dynamo(old.get("Attributes") or {}), now)

    def peek_link(self, code_hash: str, now: int) -> str | None:
        """The user a live code was made for, leaving the code in place (the adherence
        report reads it; only ``claim_link`` uses it up); None when absent or expired (TTL
        deletion lags, so the expiry is checked here too)."""
        try:
            item = self.history_table.get_item(Key={"id": link_id(code_hash), "sk": LINK}, ConsistentRead=True).get(
                "Item"
            )
        except Exception as exc:
            raise PersistenceException(f"DynamoDB read failed: {type(exc).__name__}") from exc
        return _live_user(from_dynamo(item or {}), now)

    def count_refusal(self, now: int, window: int) -> int:
        """Record a refused link code; how many were refused in this ``window`` of seconds (a
        counter per fixed window, added to atomically: refusals at the same instant all count)."""
        try:
            updated = self.history_table.update_item(
                Key={"id": REFUSALS_ID, "sk": refusal_window(now, window)},
                UpdateExpression="ADD #count :one SET #expires = :expires",
                ExpressionAttributeNames={"#count": "count", "#expires": TTL_ATTRIBUTE},
                ExpressionAttributeValues={":one": 1, ":expires": now + 2 * window},
                ReturnValues="UPDATED_NEW",
            )
        except Exception as exc:
            raise PersistenceException(f"DynamoDB write failed: {type(exc).__name__}") from exc
        return int(updated["Attributes"]["count"])

    def recent_refusals(self, now: int, window: int) -> int:
        try:
            item = self.history_table.get_item(
                Key={"id": REFUSALS_ID, "sk": refusal_window(now, window)}, ConsistentRead=True
            ).get("Item")
        except Exception as exc:
            raise PersistenceException(f"DynamoDB read failed: {type(exc).__name__}") from exc
        return int((item or {}).get("count", 0))

    def put_plan(self, user: str, record: dict[str, Any]) -> None:
        """Set (or replace) the user's linked plan record (never given a TTL)."""
        try:
            self.history_table.put_item(Item={"id": user, "sk": PLAN, "d": json.dumps(record, separators=(",", ":"))})
        except Exception as exc:
            raise PersistenceException(f"DynamoDB write failed: {type(exc).__name__}") from exc

    def get_plan(self, user: str) -> dict[str, Any] | None:
        try:
            item = self.history_table.get_item(Key={"id": user, "sk": PLAN}, ConsistentRead=True).get("Item")
        except Exception as exc:
            raise PersistenceException(f"DynamoDB read failed: {type(exc).__name__}") from exc
        if not item:
            return None
        try:
            record = json.loads(str(item.get("d", "null")))
        except ValueError:
            return None
        return record if isinstance(record, dict) else None

    def delete_plan(self, user: str) -> None:
        try:
            self.history_table.delete_item(Key={"id": user, "sk": PLAN})
        except Exception as exc:
            raise PersistenceException(f"DynamoDB delete failed: {type(exc).__name__}") from exc


def dynamodb_store(
    *,
    table: str,
    region: str | None = None,
    endpoint: str | None = None,
    create_table: bool = False,
    history_table: str | None = None,
    retention_days: int | None = None,
    timeout: float = 2.0,
) -> DynamoDBStore:
    """A store on ``table`` and ``history_table`` (default ``<table>-history``); ``endpoint``
    points at a local emulator (moto server) in tests. ``timeout`` bounds each call (Alexa
    waits about 8 seconds for the whole answer)."""
    import boto3
    from botocore.config import Config

    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    resource = boto3.resource(
        "dynamodb",
        region_name=region,
        endpoint_url=endpoint,
        # Alexa waits about 8 s for a response: fail fast rather than retry past it.
        config=Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 2, "mode": "standard"}),
    )
    adapter_class = _import_adapter()
    try:
        adapter = adapter_class(
            table_name=table,
            partition_key_name="id",
            # The recognised person's record, else the account's (``skill.store.keys``).
            partition_keygen=user_key,
            attribute_name=ATTRIBUTES_NAME,
            create_table=create_table,
            dynamodb_resource=resource,
        )
    except Exception as exc:
        raise PersistenceException(f"DynamoDB table {table!r} is not usable: {type(exc).__name__}") from exc
    history_name = history_table or table + HISTORY_SUFFIX
    if create_table:
        create_history_table(resource, history_name)
    return DynamoDBStore(adapter, resource.Table(history_name), retention_days)


def create_history_table(resource: Any, name: str) -> None:
    """The history table: partition key ``id``, sort key ``sk``, on demand, TTL on ``expires_at``."""
    try:
        table = resource.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        table.wait_until_exists()
        resource.meta.client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
        )
    except resource.meta.client.exceptions.ResourceInUseException:
        pass  # it exists already


def _conditional(write: Callable[[], Any]) -> bool:
    """Run a conditional write: ``False`` when its condition failed (another device saved
    first, or the code is taken), ``PersistenceException`` for any other failure."""
    from botocore.exceptions import ClientError

    try:
        write()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise PersistenceException(f"DynamoDB write failed: {exc.response.get('Error', {}).get('Code')}") from exc
    except Exception as exc:
        raise PersistenceException(f"DynamoDB write failed: {type(exc).__name__}") from exc
    return True


def _live_user(item: dict[str, Any], now: int) -> str | None:
    """The user of a link-code item, or None when there is none or it has expired."""
    if not item or not isinstance(item.get(TTL_ATTRIBUTE), int) or item[TTL_ATTRIBUTE] <= now:
        return None
    user = item.get("user")
    return user if isinstance(user, str) else None
