"""Transferring a task's lead (牵头) to another agency: requested, then accepted or refused by that agency."""
