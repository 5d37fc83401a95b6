"""Runtime helpers every service shares: settings, topic names, Kafka, DLQ, logs, metrics."""
