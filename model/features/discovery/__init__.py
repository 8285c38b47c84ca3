"""Scenario discovery: which regions of the inputs lead to a condition over the answers (PRIM boxes, tree rules)."""
