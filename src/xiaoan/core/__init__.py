"""Generic mechanisms that know nothing of the org tree: scoping primitives, workflow, audit, files, tasks."""
