"""The audit trail: who changed what, when, and from which request or task."""
