"""Moving events between services: outbox, inbox, consumers and the two transports."""
