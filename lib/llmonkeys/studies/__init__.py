"""Code that serves a single chapter of the book (not re-exported).

Each module names the chapter it serves, as d2l's "Defined in" does.
"""
