"""Families and their children: the record every other domain hangs on."""
