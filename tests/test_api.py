"""The top-level API: the modules' ``__all__`` less their ``_MODULE_ONLY``."""

from __future__ import annotations

import importlib

import pytest

import llmonkeys as lm


@pytest.mark.parametrize("module", lm._REEXPORTED)
def test_module_only_names_stay_behind_their_module(module):
    mod = importlib.import_module(f"llmonkeys.{module}")
    module_only = set(getattr(mod, "_MODULE_ONLY", ()))
    assert module_only <= set(mod.__all__)
    assert not module_only & set(lm.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name)
        if name not in module_only:
            assert getattr(lm, name) is getattr(mod, name)


def test_passuntil_is_a_module_not_top_level_names():
    assert lm.passuntil.pass_until_estimate.__module__ == "llmonkeys.passuntil"
    assert not set(lm.passuntil.__all__) & set(lm.__all__)
    with pytest.raises(AttributeError, match="no attribute 'pass_until_estimate'"):
        lm.pass_until_estimate  # noqa: B018


def test_every_top_level_name_resolves_and_the_api_stays_thin():
    for name in lm.__all__:
        getattr(lm, name)
    # Issue 10's target for the top level: 50 to 60 names, modules included.
    # A new name belongs behind its module (``_MODULE_ONLY``) unless every
    # reader needs it.
    assert len(lm.__all__) <= 60, sorted(lm.__all__)
