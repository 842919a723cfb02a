"""The org tree (units), people, roles, declared permissions and the scope policy."""
