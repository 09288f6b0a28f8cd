"""Code that serves one chapter each (``llmonkeys.studies.<chapter>``; not re-exported)."""
