"""Decisions (accountability): who does what by when, progress, verification, escalation."""


def escalate_step(now):
    return {}
