"""DynamoDB persistence through the official ``ask-sdk-dynamodb-persistence-adapter``.

Two traps of that package are handled here (see ``docs/platform-facts.md``): its
module builds ``boto3.resource("dynamodb")`` as a default argument at import time, which
fails without a region, so it is imported lazily with a region in place and is always
given ``dynamodb_resource=``; and it stores numbers as ``Decimal`` and rejects floats, so
records are converted on the way in and out and no ``Decimal`` reaches the skill.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

ATTRIBUTES_NAME = "attributes"


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
    """The ASK DynamoDB adapter with numbers converted at the boundary."""

    def __init__(self, adapter: Any) -> None:
        self.adapter = adapter

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        data = from_dynamo(self.adapter.get_attributes(request_envelope=request_envelope))
        return data if isinstance(data, dict) else {}

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self.adapter.save_attributes(request_envelope=request_envelope, attributes=to_dynamo(attributes))

    def save_if(self, request_envelope: Any, attributes: dict[str, Any], expected_rev: int) -> bool:
        """A conditional put: only if the stored record is still at ``expected_rev``."""
        from botocore.exceptions import ClientError

        adapter = self.adapter
        condition = "attribute_not_exists(#pk) OR #attrs.#rev = :rev"
        if expected_rev == 0:
            condition += " OR attribute_not_exists(#attrs.#rev)"
        try:
            adapter.dynamodb.Table(adapter.table_name).put_item(
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
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise PersistenceException(f"DynamoDB write failed: {exc.response.get('Error', {}).get('Code')}") from exc
        except Exception as exc:
            raise PersistenceException(f"DynamoDB write failed: {type(exc).__name__}") from exc
        return True

    def delete_attributes(self, request_envelope: Any) -> None:
        self.adapter.delete_attributes(request_envelope=request_envelope)


def dynamodb_store(
    *, table: str, region: str | None = None, endpoint: str | None = None, create_table: bool = False
) -> DynamoDBStore:
    """A store on ``table``; ``endpoint`` points at a local emulator (moto server) in tests."""
    import boto3
    from botocore.config import Config

    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    resource = boto3.resource(
        "dynamodb",
        region_name=region,
        endpoint_url=endpoint,
        # Alexa waits about 8 s for a response: fail fast rather than retry past it.
        config=Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 2, "mode": "standard"}),
    )
    adapter_class = _import_adapter()
    try:
        adapter = adapter_class(
            table_name=table,
            partition_key_name="id",
            attribute_name=ATTRIBUTES_NAME,
            create_table=create_table,
            dynamodb_resource=resource,
        )
    except Exception as exc:
        raise PersistenceException(f"DynamoDB table {table!r} is not usable: {type(exc).__name__}") from exc
    return DynamoDBStore(adapter)
