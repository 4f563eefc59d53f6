"""`kiosk serve`: the console or the kiosk in a browser (textual-serve), with its pages."""
