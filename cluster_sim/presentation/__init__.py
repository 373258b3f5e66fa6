"""What the supervisor shows: events in words, the status text, the table and header, listeners."""
