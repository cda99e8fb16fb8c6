"""What every service's HTTP face gets from the runtime: refusals of hostile input, one error shape,
store outages as 503, readiness, shared query parameters."""
