"""Let Docs carrying pydantic attrs cross process boundaries (`nlp.pipe(n_process=...)` uses msgpack)."""

from __future__ import annotations

from typing import Any

import srsly
from pydantic import BaseModel

from extractors import models

_MARKER = "__litwatch_model__"


def _encode(obj: Any, chain: Any = None) -> Any:
    if isinstance(obj, BaseModel):
        return {_MARKER: type(obj).__name__, "data": obj.model_dump(mode="json")}
    return obj if chain is None else chain(obj)


def _decode(obj: Any, chain: Any = None) -> Any:
    if isinstance(obj, dict) and _MARKER in obj:
        model_class = getattr(models, obj[_MARKER])
        return model_class.model_validate(obj["data"])
    return obj if chain is None else chain(obj)


def register_msgpack_models() -> None:
    """Register the encoder/decoder pair with srsly (idempotent)."""
    srsly.msgpack_encoders.register("litwatch_models", func=_encode)
    srsly.msgpack_decoders.register("litwatch_models", func=_decode)
