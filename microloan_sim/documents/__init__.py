"""案例单据 (case documents): what a loan officer sees on site, generated from a case's true records.

A case folder holds, besides ``case.yaml`` and ``monthly_records.csv`` (the truth):

* ``investigation.yaml``: facts the officer gathers that the generator needs (share of sales paid into the
  account, product mix with purchase and sale prices, electricity tariff, tax regime, respondents and their
  names, related parties, lenders, area, industry-norm key);
* ``answer_key.yaml``: the inconsistencies planted in the case (instructors and tests only; learners never
  see it: no notebook prints it and Voila serves images only).

:func:`build_documents` turns the (possibly variant-scaled) records, the facts, the planted flaws and a seed
into the documents: bank-statement transactions, sales ledger, purchase invoices, utility bills, tax
records, the inventory count at the closing date, the fixed-asset list, statements of other respondents
(spouse, employee, supplier…), and the borrower's claims. Documents tie out to the records: sales paid into
the account = collections × account share, purchases = cost of goods sold + inventory change, the inventory
count sums to the closing inventory, the fixed-asset list to the closing fixed assets, bills and taxes to the
P&L lines. Claims equal the truth unless a planted flaw distorts them, so every variant stays consistent and
every flaw stays detectable by :func:`microloan_sim.crosscheck.run_all`.

The package's modules, one concern each: :mod:`.schema` (the two YAML files), :mod:`.load` (reading and checking
them), :mod:`.bundle` (:class:`CaseDocuments`), :mod:`.closing` (the visit records an officer writes down to
rebuild the statements at the visit date, and :func:`bank_summary`), :mod:`.generate` (:func:`build_documents`) with :mod:`.bank` (the
bank statement), and :mod:`.files` (CSV export, snapshots, reading back). The detection sweeps over the
casebook live with the cross-checks (:mod:`microloan_sim.crosscheck.detection`), above documents on the ladder.

Examples
--------
>>> import microloan_sim as ml
>>> case = ml.casebook.load_case("C01")
>>> docs = build_documents(case)
>>> sorted(docs.tables())[:3]
['bank_transactions', 'claims', 'declared_debts']
>>> bool(abs(docs.inventory_count["amount"].sum() - case.records["inventory"].iloc[-1]) < 0.01)
True
>>> clean = build_documents(case, with_flaws=False)
>>> clean.claims.monthly_sales == round(float(case.records["revenue"].mean()), 0)
True
"""
from __future__ import annotations

from .bundle import DOCUMENT_FILES, CaseDocuments, Claims, DocumentSpec, Facts
from .closing import OPEN_ITEM_KINDS, VISIT_FILES, VisitRecords, bank_summary, visit_records
from .files import document_csv, export_documents, read_document, read_documents, snapshot_folder, write_snapshots
from .generate import build_documents, planted_flaws
from .load import has_answer_key, has_investigation, load_answer_key, load_investigation
from .schema import (ANSWER_KEY_FILE, CANONICAL_SEED, DOCUMENTS_FOLDER, FLAW_KINDS, INVESTIGATION_FILE, TOPICS,
                     AnswerKey, FixedAsset, Flaw, FlawKind, Investigation, Lenders, Payee, Payer, PlantedFlaw,
                     PrivateDebt, Product, RangeValue, Respondent, Settlement, StockItem, Supplier, Tax, Topic,
                     Utilities)

__all__ = [
    "ANSWER_KEY_FILE", "CANONICAL_SEED", "DOCUMENT_FILES", "FLAW_KINDS", "INVESTIGATION_FILE", "TOPICS", "AnswerKey",
    "CaseDocuments", "Claims", "DocumentSpec", "Facts", "Flaw", "Investigation", "PlantedFlaw", "build_documents",
    "document_csv", "export_documents", "has_answer_key", "has_investigation",
    "load_answer_key", "load_investigation", "planted_flaws", "read_document", "read_documents", "snapshot_folder",
    "write_snapshots", "OPEN_ITEM_KINDS", "VISIT_FILES", "VisitRecords", "bank_summary", "visit_records",
]
