"""The pure analysis core: numpy in, frozen dataclasses out, never Django (a test proves it)."""
