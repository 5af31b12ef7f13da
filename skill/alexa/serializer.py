"""The SDK's JSON serializer with its per-request waste taken out, same results.

``DefaultSerializer`` spends most of a request's envelope parse on work whose answer never
changes: it resolves every model class name with ``__import__`` each time, rebuilds each
class's attribute map (parsing the request and writing the response alike), and parses
every timestamp with ``dateutil`` (about 55 microseconds where ``datetime.fromisoformat``
takes under one). This subclass remembers the class names and attribute maps and reads
ISO 8601 timestamps directly, falling back to the SDK's own code for anything else, so
the objects and dicts it builds are the SDK's, with the same values
(``tests/test_serializer.py`` compares the two). Used by the Lambda handler.

The SDK's helpers are name-mangled private methods that call each other through ``self``;
overriding them by their mangled names is what lets a subclass replace them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer


class FastSerializer(DefaultSerializer):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}
        self._fields: dict[type, tuple[tuple[tuple[str, str, Any], ...], frozenset[str]]] = {}
        self._keys: dict[type, tuple[tuple[str, str], ...]] = {}

    def serialize(self, obj: Any) -> Any:
        """As the SDK's: a model object becomes a dict of its set fields under their JSON names."""
        if obj is None or isinstance(obj, self.PRIMITIVE_TYPES):
            return obj
        if type(obj) is dict:
            return {key: self.serialize(value) for key, value in obj.items()}
        keys = self._keys.get(type(obj))
        if keys is None:
            if isinstance(obj, list | tuple | datetime | date | Enum | Decimal | dict) or not hasattr(
                obj, "deserialized_types"
            ):
                return super().serialize(obj)
            names: dict[str, str] = getattr(obj, "attribute_map", {})
            keys = tuple((attribute, names.get(attribute, attribute)) for attribute in obj.deserialized_types)
            self._keys[type(obj)] = keys
        serialized = {}
        for attribute, key in keys:
            value = getattr(obj, attribute)
            if value is not None:
                serialized[key] = self.serialize(value)
        return serialized

    def deserialize_dict(self, payload: Any, obj_type: Any) -> Any:
        """``deserialize`` for an already parsed JSON document (no text round trip)."""
        return self._DefaultSerializer__deserialize(payload, obj_type)

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:
        found = self._classes.get(class_name)
        if found is None:
            found = super()._DefaultSerializer__load_class_from_name(class_name)
            self._classes[class_name] = found
        return found

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        if isinstance(payload, str):
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                pass  # not ISO 8601 as Python reads it: the SDK's dateutil parse decides
            else:
                return parsed.date() if obj_type is date else parsed
        return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)

    def _DefaultSerializer__deserialize_model(self, payload: Any, obj_type: Any) -> Any:
        if (
            not isinstance(payload, dict)
            or not isinstance(obj_type, type)
            or issubclass(obj_type, Enum)
            or not hasattr(obj_type, "deserialized_types")
        ):
            return super()._DefaultSerializer__deserialize_model(payload, obj_type)
        try:
            if hasattr(obj_type, "get_real_child_model"):
                obj_type = self._DefaultSerializer__get_obj_by_discriminator(payload, obj_type)
            fields, names = self._fields_of(obj_type)
            model = obj_type()
            deserialize = self._DefaultSerializer__deserialize
            for attribute, name, kind in fields:
                if name in payload:
                    setattr(model, attribute, deserialize(payload[name], kind))
            for extra in payload:
                if extra not in names:
                    setattr(model, extra, payload[extra])
        except Exception as exc:  # as the SDK does: any failure is a serialization error
            raise SerializationException(str(exc)) from exc
        return model

    def _fields_of(self, cls: Any) -> tuple[tuple[tuple[str, str, Any], ...], frozenset[str]]:
        """(attribute, JSON name, declared type) of each field, and the JSON names: what the
        SDK works out from ``deserialized_types`` and ``attribute_map`` on every call."""
        known = self._fields.get(cls)
        if known is None:
            types: dict[str, Any] = cls.deserialized_types
            names: dict[str, str] = {**{k: k for k in types}, **getattr(cls, "attribute_map", {})}
            fields = tuple((attribute, name, types[attribute]) for attribute, name in names.items())
            known = (fields, frozenset(names.values()))
            self._fields[cls] = known
        return known
