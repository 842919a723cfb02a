"""Sign-in, lockout, second factor, password policy, idle logout, personal access tokens."""
