"""Pure-Python file formats (reference numbers, bank barcode, Finvoice, SEPA, …). No Django."""
