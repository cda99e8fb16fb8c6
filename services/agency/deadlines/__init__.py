"""Each agency's own view of its deadlines, kept from what the policy says events start and stop, and
routing's alerts.

Routing holds the authoritative clocks and fires the alerts; an agency sees its part without reading
routing's tables: the deadlines its own and consumed events start or stop, and the alerts about them.
"""
