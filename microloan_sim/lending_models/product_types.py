"""微贷产品种类 (004 ch.1): the five product types of the courseware as a filterable view of the catalogue.

The mapping of catalogue products to the types is a teaching classification in ``data/lending_models.yaml``
(a product may belong to several types); the products' terms are the catalogue's 示例参数.

Examples
--------
>>> [t.name for t in types()][:2]
['个人无抵押贷款', '消费信贷产品']
>>> table = products_of_type("供应链金融贷款")
>>> "应收账款质押贷款" in set(table["产品"])
True
"""
from __future__ import annotations

import pandas as pd

from ..errors import InputError
from .parameters import ProductType, load_parameters


def types() -> list[ProductType]:
    """The 004 product types in the courseware's order."""
    return list(load_parameters().product_types)


def product_type(key: str) -> ProductType:
    """One type by id or Chinese name."""
    for item in types():
        if str(key).strip() in (item.id, item.name):
            return item
    raise InputError(f"没有“{key}”（可选：{'、'.join(t.name for t in types())}）", field="产品种类")


def products_of_type(key: str | None = None, *, method: str | None = None) -> pd.DataFrame:
    """Catalogue rows (:func:`microloan_sim.products.catalogue_table`) of one type (None = every typed product),
    optionally of one repayment method (Chinese name), with a 种类 column listing the product's types."""
    from .. import products

    chosen = [product_type(key)] if key is not None else types()
    wanted = {pid for t in chosen for pid in t.products}
    catalogue = products.load_catalogue()
    unknown = sorted(wanted - set(catalogue))
    if unknown:
        raise InputError(f"产品目录中没有 {'、'.join(unknown)}", field="product_types")
    table = products.catalogue_table()
    table = table[table["编号"].isin(wanted)].copy()
    table.insert(2, "种类", ["、".join(t.name for t in types() if pid in t.products) for pid in table["编号"]])
    if method:
        if method not in set(products.catalogue_table()["还款方式"]):
            raise InputError(f"目录中没有还款方式“{method}”", field="还款方式")
        table = table[table["还款方式"] == method]
    return table.reset_index(drop=True)
