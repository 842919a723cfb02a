"""Everyone with an office role can read the rules they are judged by; only the city bureau's
administrators change them. Role and unit-kind names are strings: core does not import the org app."""

PERMISSIONS = {
    "rules.rulevalue.view": {"unit_admin", "leader", "safety_officer", "staff", "viewer"},
    "rules.rulevalue.change": {"roles": {"unit_admin"}, "kinds": {"city"}},
}
