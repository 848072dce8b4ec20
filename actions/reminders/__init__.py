"""Deadline reminders, stale-status nudges, reporting-round reminders, weekly sector
digests and notices (given a tiltak, a report sent back).

The database decides what is due (``sweep``), Celery only delivers (``sending``):
- ``windows``: the pure date arithmetic (reminder windows, weekly repeats, staleness);
- ``recipients``: who is told about an action, and who may receive e-mail at all;
- ``sweep``: records what is due in the delivery log (the daily sweep also the reporting
  rounds' requests and reminders), bundles the notices per person per hour, and fans out
  one task per e-mail;
- ``messages``: builds the e-mail in the recipient's language;
- ``sending``: claims, sends and records one e-mail, once;
- ``retention``: prunes the delivery log (registered with ``planportal.retention``).
"""
