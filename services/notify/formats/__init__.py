"""Pure renderers of a `Notice` into each push target's wire format."""
