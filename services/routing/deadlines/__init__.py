"""Durable SLA clocks: started and stopped by the events the policy names (derived as routing observes
each envelope), fired by a timer loop."""
