"""The rules of deliberation and party meetings, one module per concern:

- ``meetings``: series and recurrence, scheduling, moving and cancelling, notice, sign-in,
  attendance, agenda and minutes;
- ``proposals``: proposing, supports (limit, threshold, following), answers, similar proposals;
- ``votes``: opening and closing a vote, casting (also on behalf), the tally (quorum, majority);
- ``decisions``: decisions, progress, verification, cases opened, overdue escalation;
- ``party_life``: 三会一课 cadence, due and missed meetings, reminders, study hours.

Views and the API call these; nothing else writes the app's rows. Every write is one
transaction and raises ``DomainError`` on a broken rule.
"""
