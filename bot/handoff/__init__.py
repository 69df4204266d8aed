"""The handoff to a provider: reference codes, the intake record, sealing of
contact details, and the durable outbox that delivers intakes."""
