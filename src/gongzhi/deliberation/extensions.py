"""What apps above deliberation add to its pages, without deliberation importing them.

Deliberation may not import the apps built on it (the sites app opens 微幸福 projects from a
decision), so those apps register here, from their ``AppConfig.ready()``:

- ``register_public_section(section)``: ``section(unit)`` returns None (nothing to show) or a
  dict with ``template`` (included on the public notice, ``/deliberation/public/<code>/``, with
  the dict as ``section``) and whatever that template reads. The page is public: a section must
  build its rows from an allow-list of columns and show no personal data (no person's name,
  phone or photo), as the notice's own lists do.
- ``register_decision_followup(followup)``: ``followup(decision, user)`` returns a list of
  ``{"label", "url", "status"}`` for what was opened from the decision that ``user`` may see;
  the decision page lists them.
"""
_public_sections = []
_decision_followups = []


def register_public_section(section):
    if section not in _public_sections:
        _public_sections.append(section)
    return section


def register_decision_followup(followup):
    if followup not in _decision_followups:
        _decision_followups.append(followup)
    return followup


def public_sections(unit):
    return [found for found in (section(unit) for section in _public_sections) if found]


def decision_followups(decision, user):
    return [entry for followup in _decision_followups for entry in followup(decision, user)]
