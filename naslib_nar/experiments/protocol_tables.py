"""``protocol_<space>.md``: the tables of a ``--protocol`` evaluation, from its summary only.

One table per truth metric (the main one first): rows N, columns the datasets, cells
Kendall tau mean ± std over seeds, the published numbers of each dataset beside it (and,
in the main table, the mean fit seconds of each cell); Spearman against the main truth;
and, with a training dataset, the transfer block (rows N, columns "D1 -> D2", D2's
in-domain value and the difference). A truth the data does not have is a line saying why
instead of a table.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional

from .report import fmt_pm, fmt_value, markdown_table

_DIGITS = 3


def _pm(cell: Optional[Mapping[str, Any]], metric: str = "kendall_tau") -> str:
    return "n/a" if cell is None else fmt_pm(cell[metric], _DIGITS)


def _seconds(cell: Optional[Mapping[str, Any]]) -> str:
    return "n/a" if cell is None else fmt_value(cell["fit_seconds"]["mean"], 1)


def _signed(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:+.{_DIGITS}f}"


def _absent_lines(result: Mapping[str, Any], truth: str) -> List[str]:
    whys = result["absent"].get(truth, {})
    return [f"Not scored against `{truth}` on {dataset}: {why}." for dataset, why in whys.items()] + \
        ([""] if whys else [])


def _in_domain(result: Mapping[str, Any], truth: str, metric: str, published: bool, fit: bool) -> List[str]:
    """Rows N, columns the datasets, each with its published numbers and its fit seconds beside."""
    cfg, papers = result["config"], result["protocol"]["published"] if published else {}
    header = ["N"]
    for dataset in cfg["datasets"]:
        header += [dataset, *(f"{paper} (published)" for paper in papers.get(dataset, {}))]
        header += [f"fit s ({dataset})"] if fit else []
    rows = []
    for n in map(str, cfg["train_sizes"]):
        row = [f"{int(n):,}"]
        for dataset in cfg["datasets"]:
            cell = result["in_domain"][truth][dataset][n]
            row += [_pm(cell, metric), *(fmt_value(taus.get(n), _DIGITS) for taus in papers.get(dataset, {}).values())]
            row += [_seconds(cell)] if fit else []
        rows.append(row)
    return markdown_table(header, rows)


def _not_run(result: Mapping[str, Any]) -> List[str]:
    """Published numbers at training sizes this run left out (``--train-sizes``)."""
    run = set(map(str, result["config"]["train_sizes"]))
    lines = [f"{paper} on {dataset} at N = {n}: {tau:.{_DIGITS}f}"
             for dataset, papers in result["protocol"]["published"].items() if dataset in result["config"]["datasets"]
             for paper, taus in papers.items() for n, tau in taus.items() if n not in run]
    return ["Published at training sizes not run here: " + "; ".join(lines) + ".", ""] if lines else []


def _transfer(result: Mapping[str, Any], truth: str) -> List[str]:
    pairs: Dict[str, Any] = result["transfer"][truth]
    header = ["N"]
    for pair in pairs:
        header += [pair, f"{pair.split(' -> ')[1]} in-domain", "difference"]
    rows = []
    for n in map(str, result["config"]["train_sizes"]):
        row = [f"{int(n):,}"]
        for cells in pairs.values():
            cell = cells[n]
            row += [_pm(cell["transfer"]), _pm(cell["in_domain"]), _signed(cell["difference"])]
        rows.append(row)
    return markdown_table(header, rows)


def _scored(result: Mapping[str, Any], truth: str) -> bool:
    """Whether any dataset of the table was scored against ``truth``."""
    return any(cell is not None for cells in result["in_domain"][truth].values() for cell in cells.values())


def _header(result: Mapping[str, Any]) -> List[str]:
    protocol, cfg = result["protocol"], result["config"]
    return [
        f"# {cfg['predictor']} on the field's protocol ({protocol['papers']}): {cfg['space'].upper()}",
        "",
        f"Protocol `{protocol['name']}`: the predictor is trained on the validation accuracy of N random "
        f"architectures (no validation split, val_size {protocol['val_size']}) and ranks the whole space: "
        f"{result['n_test']:,} architectures, the training ones included ({protocol['test']}). Kendall tau of its "
        f"scores against the truth, mean ± std (population) over seeds {cfg['seeds']}; per-seed values in "
        f"protocol_{cfg['space']}.json. Published numbers are the papers' own, not rerun here.",
        "",
        f"Predictor `{cfg['predictor']}`, params {json.dumps(cfg['predictor_params'], sort_keys=True)}. "
        f"Data: {cfg['source']}.",
        "",
    ]


def format_markdown(result: Mapping[str, Any]) -> str:
    protocol, cfg = result["protocol"], result["config"]
    truths = list(protocol["truths"])
    lines = _header(result)
    for i, truth in enumerate(truths):
        lines += [f"## Kendall tau vs `{truth}`" + (" (main)" if i == 0 else ""), "",
                  f"Truth: {protocol['truths'][truth]}.", ""]
        if _scored(result, truth):
            lines += _in_domain(result, truth, "kendall_tau", published=True, fit=i == 0)
        lines += _absent_lines(result, truth)
    lines += _not_run(result)
    if _scored(result, truths[0]):
        lines += [f"## Spearman vs `{truths[0]}`", ""]
        lines += _in_domain(result, truths[0], "spearman", published=False, fit=False)
    for truth in truths if result["transfer"] else ():
        if _scored(result, truth):
            lines += [f"## Transfer: trained on {cfg['train_dataset']}'s validation accuracy, Kendall tau vs "
                      f"`{truth}` of the other dataset", "",
                      "The same N architectures per seed as in-domain; difference = transfer - in-domain.", ""]
            lines += _transfer(result, truth)
    return "\n".join(lines).rstrip("\n") + "\n"
