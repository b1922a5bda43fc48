"""What the office does, one transaction each; callable from views, API, CLI and tests alike."""
