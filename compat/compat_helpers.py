"""Constants and assertion helpers shared by the compatibility tests."""

from __future__ import annotations

import uuid
from typing import Dict, List

TEXT_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="positive"/>
    <Choice value="negative"/>
    <Choice value="neutral"/>
  </Choices>
</View>"""

CHOICE_LABELS = ["positive", "negative", "neutral"]


def choice_result(label: str) -> List[Dict]:
    """A full annotation/prediction result for TEXT_CONFIG choosing `label`."""
    return [
        {
            "from_name": "sentiment",
            "to_name": "text",
            "type": "choices",
            "value": {"choices": [label]},
        }
    ]


def assert_choice_result(result, label: str) -> None:
    """`result` must be a one-region choices result for TEXT_CONFIG selecting `label`."""
    assert isinstance(result, list), f"result must be a list, got {type(result).__name__}: {result!r}"
    assert len(result) == 1, f"expected exactly one result item, got {result!r}"
    item = result[0]
    assert item.get("from_name") == "sentiment", item
    assert item.get("to_name") == "text", item
    assert item.get("type") == "choices", item
    assert item.get("value") == {"choices": [label]}, item


def unique_title(prefix: str) -> str:
    # LS limits project titles to 50 characters.
    return f"{prefix[:30]}-{uuid.uuid4().hex[:10]}"
