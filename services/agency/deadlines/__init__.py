"""Each agency's view of its deadlines: routing's clocks, their one owner, read for the agency.

Routing starts, stops, pauses, regrades and fires every clock; an agency keeps no copy of them (no
table, no second calendar count that could disagree) and lists its own from routing's API with the
caller's token.
"""
