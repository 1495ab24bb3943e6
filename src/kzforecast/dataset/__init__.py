"""One country's industry as one object: the :class:`Dataset` every run reads.

A :class:`Dataset` carries everything a run reads about a country: the
observations (with qualifiers) and their wide :meth:`~Dataset.history`, the
sources, the government's targets, plants, devaluations, currencies (home and
main partner, with their exchange-rate series), export destinations, metadata
and a content hash a scenario records. Build one from a folder
(:meth:`Dataset.from_dir`, layout in ``docs/datasets.md``, template from
:func:`write_template`), from tables (:meth:`Dataset.from_frames`), from the
shipped data (:meth:`Dataset.builtin`) or from the OICA panel
(:meth:`Dataset.oica`). Functions that take a dataset accept a path or a
Dataset through :func:`as_dataset`.

Examples
--------
>>> from kzforecast.dataset import Dataset
>>> from kzforecast.targets import Target
>>> tr = Dataset.oica("Turkey", targets=[
...     Target.level("TR-2M", "vehicle_output", ">=", 2_000_000, due=2030)])
>>> sorted(tr.history().columns)[:2]
['commercial_vehicle_output', 'new_vehicle_sales']
>>> int(tr.history().loc[2019, "vehicle_output"])
1461244
"""

from __future__ import annotations

import os

from kzforecast.dataset._dataset import Dataset
from kzforecast.dataset._files import write_template
from kzforecast.dataset._observations import EXTRA_SERIES, SUSPECT
from kzforecast.dataset._types import Currencies, Currency
from kzforecast.errors import ArgumentTypeError

__all__ = [
    "EXTRA_SERIES",
    "SUSPECT",
    "Currencies",
    "Currency",
    "Dataset",
    "DatasetLike",
    "as_dataset",
    "write_template",
]

DatasetLike = Dataset | str | os.PathLike[str]
"""What a function that needs a dataset accepts: a Dataset or the path of a dataset folder."""


def as_dataset(obj: DatasetLike) -> Dataset:
    """A Dataset from a Dataset (returned as is) or the path of a dataset folder.

    Parameters
    ----------
    obj : Dataset, str or os.PathLike
        The dataset, or a folder :meth:`Dataset.from_dir` reads.

    Returns
    -------
    Dataset

    Raises
    ------
    kzforecast.errors.ArgumentTypeError
        For anything else.
    kzforecast.errors.DataError
        If the folder is not a valid dataset.

    Examples
    --------
    >>> from kzforecast.dataset import Dataset, as_dataset
    >>> kz = Dataset.builtin("kazakhstan")
    >>> as_dataset(kz) is kz
    True
    """
    if isinstance(obj, Dataset):
        return obj
    if isinstance(obj, str | os.PathLike):
        return Dataset.from_dir(obj)
    raise ArgumentTypeError(
        f"expected a Dataset or the path of a dataset folder, got {type(obj).__name__}",
        source="as_dataset",
        location="dataset",
    )
