"""The demo world's sites and services (see build)."""


def build(builder):
    pass
