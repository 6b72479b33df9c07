"""Who may open which board, and as what."""
