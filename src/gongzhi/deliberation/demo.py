"""The demo's deliberation and party life (filled in by the demo step)."""


def build(builder):
    pass
