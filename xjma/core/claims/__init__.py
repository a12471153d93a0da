"""The claims engine (rules.md §2–§8): pure functions from an enrollment, the rules and earlier claims
to a payout with its reasons and a step-by-step explanation."""
