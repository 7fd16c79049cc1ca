"""The single entry point for datasets by name or path."""

import pytest

from nnstudio.data import BUILTIN_DATASETS, DataError, load_dataset


def test_every_builtin_name_loads_with_its_own_name():
    for name, description in BUILTIN_DATASETS.items():
        data = load_dataset(name)
        assert data.name == name
        assert description and "\n" not in description
        assert len(data) > 0


def test_required_builtin_names_are_there():
    assert {"four-pixel", "shapes3x3", "digits", "digits:train", "digits:test"} <= set(BUILTIN_DATASETS)


@pytest.mark.parametrize("spec", ["digit", "four_pixel", "digits:validation", "/no/such/file.csv"])
def test_unknown_name_lists_the_builtin_names(spec):
    with pytest.raises(DataError) as raised:
        load_dataset(spec)
    message = str(raised.value)
    assert spec in message
    for name in BUILTIN_DATASETS:
        assert name in message


def test_empty_spec():
    with pytest.raises(DataError, match="no dataset given"):
        load_dataset("  ")
