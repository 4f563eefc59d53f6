"""The programme's side: the anonymous results file a library sends, the national merge and
the report."""
