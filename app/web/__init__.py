"""What the screens and the API share below both: the one error shape, the checks every request body
passes, the request id, and turning server errors into worded answers."""
