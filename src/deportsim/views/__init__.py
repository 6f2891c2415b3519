"""Text views shared by the command line and the report: tables, numbers, parameter rows."""
