"""Code serving one chapter each: ``llmonkeys.studies.<chapter>``, not re-exported."""
