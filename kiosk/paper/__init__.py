"""Paper output: tickets as SVG, PDF and on the receipt printer, e-scouts' cards and
certificates. fpdf2 and Pillow load inside the functions that draw."""
