"""A small declarative state machine with a transition log and optimistic conflict detection."""
