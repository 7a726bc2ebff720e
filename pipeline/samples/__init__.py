"""Sample reports rendered from known cell values, for testing readers and the parser."""
