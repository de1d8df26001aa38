"""pydantic models in state, as Mesop allows: recognised without depending on pydantic.

pydantic is not a dependency of mesop-cli. A model class can only exist once the app has
imported pydantic, so looking it up in ``sys.modules`` tells without importing it.
"""

from __future__ import annotations

import sys
from typing import Any


def is_model_class(tp: Any) -> bool:
    """Whether ``tp`` is a pydantic model class (``BaseModel`` or a subclass)."""
    pydantic = sys.modules.get("pydantic")
    return (pydantic is not None and isinstance(tp, type)
            and issubclass(tp, pydantic.BaseModel))
