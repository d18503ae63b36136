"""The predictor-evaluation protocols of the literature, as data: ``evaluate-predictor --protocol``.

``field`` (alias ``tnasp``) is the protocol of TNASP, PINAT, NAR-Former and NN-Former:
train on the validation accuracy of N random architectures, with no validation split,
then rank the *whole* space (the training architectures included) and report Kendall tau
against the truth, mean ± std over seeds. The training sizes are fractions of each
space (NB201: 0.5 / 1 / 3 / 5 / 10 % of 15,625; NB101: 100 / 172 / 424 / 4,236 cells).

Nothing here runs anything: the command (:mod:`.protocol_cmd`) plans tasks from these
numbers, :mod:`.protocol_eval` runs one, :mod:`.protocol_tables` prints the published
numbers beside ours. A new protocol or a new published number is one entry below.

Sources of the published numbers: TNASP and PINAT from PINAT's Table 1 (NB201) and its
supplement's Table 9 (NB101, BCE loss; NB101 424 is its "424 / all" split); NAR-Former V2
and NN-Former from their papers. What the peers' released code trains and tests on
(read from their repositories): NB201 cifar10 trains on the cifar10-valid model's
validation accuracy (200 epochs, mean over seeds: our ``val_acc``) and is scored against
the cifar10 model's test accuracy (trained on train+valid: our ``test_acc``), ranking
all 15,625 architectures, training ones included, without removing isomorphic
duplicates. NAR-Former (V2) and NN-Former also pick their checkpoint by Kendall tau on
200 / 1,024 further labelled architectures, labels beyond N that this protocol does not
give our ranker. NB101 papers rank the whole 423,624-cell space against the 3-run mean
test accuracy; the shared data have test accuracy for 53 cells, so we rank the 30,267
labelled cells against their validation accuracy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Tuple

from .._validation import closest

#: Published Kendall tau: dataset -> paper -> N -> tau.
Published = Mapping[str, Mapping[str, Mapping[int, float]]]


@dataclass(frozen=True)
class SpaceSetting:
    """How a protocol runs on one search space.

    ``truths`` are the metrics the ranking is scored against, the main one first (each
    explained in :data:`TRUTH_WORDS`); ``whole_space`` says in words what is ranked (all
    of it, the training architectures included).
    """

    train_sizes: Tuple[int, ...]
    datasets: Tuple[str, ...]
    truths: Tuple[str, ...]
    whole_space: str
    published: Published = field(default_factory=dict)


@dataclass(frozen=True)
class Protocol:
    """A named protocol: its papers, its default seeds and its settings per space."""

    name: str
    aliases: Tuple[str, ...]
    papers: str
    seeds: Tuple[int, ...]
    spaces: Mapping[str, SpaceSetting]
    val_size: int = 0


FIELD = Protocol(
    name="field", aliases=("tnasp",), papers="TNASP / PINAT / NAR-Former / NN-Former", seeds=(0, 1, 2, 3, 4),
    spaces={
        "nb201": SpaceSetting(
            train_sizes=(78, 156, 469, 781, 1563), datasets=("cifar10", "cifar100", "imagenet16"),
            truths=("test_acc", "valtest_acc"),
            whole_space="all NB201 architectures",
            published={"cifar10": {"TNASP": {78: 0.539, 156: 0.589, 469: 0.640, 781: 0.689, 1563: 0.724},
                                   "PINAT": {78: 0.549, 156: 0.631, 469: 0.706, 781: 0.761, 1563: 0.784},
                                   "NAR-Former V2": {156: 0.752, 1563: 0.888},
                                   "NN-Former": {156: 0.804, 1563: 0.890}}}),
        "nb101": SpaceSetting(
            train_sizes=(100, 172, 424, 4236), datasets=("cifar10",), truths=("val_acc",),
            whole_space=("all labelled cells of nb101_labeled.npz, NOT the 423,624 cells of the full space that "
                         "the papers rank"),
            published={"cifar10": {"TNASP": {100: 0.600, 172: 0.669, 424: 0.705, 4236: 0.820},
                                   "PINAT (BCE loss)": {100: 0.717, 172: 0.764, 424: 0.812, 4236: 0.854},
                                   "NAR-Former V2": {100: 0.663, 4236: 0.861},
                                   "NN-Former": {100: 0.709, 4236: 0.877}}}),
    })

PROTOCOLS: Dict[str, Protocol] = {FIELD.name: FIELD}
#: Every accepted spelling -> the protocol's name.
NAMES: Dict[str, str] = {spelling: p.name for p in PROTOCOLS.values() for spelling in (p.name, *p.aliases)}

#: What each truth metric is, per space, for table headers.
TRUTH_WORDS: Dict[str, Dict[str, str]] = {
    "nb201": {
        "test_acc": ("test accuracy (`test_acc`; for cifar10 the benchmark's cifar10 model, trained on train+valid: "
                     "NOT the model whose validation accuracy trains the predictor)"),
        "valtest_acc": ("test accuracy of the validation model (`valtest_acc`: the model of `val_acc` on the whole "
                        "test set; cifar10: c10_valid_oritest, cifar100 / imagenet16: x-valid + x-test together, "
                        "which holds the validation half)"),
    },
    "nb101": {
        "val_acc": ("validation accuracy (`val_acc`, one 108-epoch run), the only label of the labelled cells: test "
                    "accuracy exists for 53 cells only"),
    },
}


def find(name: object) -> Optional[Protocol]:
    """The protocol spelled ``name`` (a name or an alias), or None."""
    return PROTOCOLS[NAMES[name]] if isinstance(name, str) and name in NAMES else None


def resolve(name: object) -> str:
    """The protocol's name for the spelling ``name``; a ValueError in one line otherwise."""
    protocol = find(name)
    if protocol is None:
        close = closest(name, list(NAMES))
        hint = f"; did you mean {close!r}?" if close else "."
        raise ValueError(f"unknown protocol {name!r}{hint} Expected one of {list(NAMES)}.")
    return protocol.name
