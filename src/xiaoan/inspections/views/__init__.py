"""Pages of the inspections module; views stay thin: scoped lookup, form bound with the user, one service call."""
