"""Turns pydantic validation errors into the `field: what is wrong` lines people read."""

from pydantic import ValidationError


def describe(err: ValidationError, root: str = "<root>", limit: int = 50) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in e['loc']) or root}: {e['msg']}" for e in err.errors()
    ][:limit]
