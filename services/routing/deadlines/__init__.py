"""Durable SLA clocks: started and stopped by the deadlines stamped on events, fired by a timer loop."""
