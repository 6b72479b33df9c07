"""Case records: the agreed board, frozen, attributable and verifiable."""
