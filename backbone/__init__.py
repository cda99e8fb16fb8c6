"""The shared runtime every service imports: settings, database, outbox, inbox, transports, telemetry."""
