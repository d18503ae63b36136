"""NAR's search phase (§3.3) and the ask/tell core every search method runs on.

* :mod:`.searcher` / :mod:`.runner` / :mod:`.oracle` / :mod:`.trace`: the ask/tell shape,
  the one loop that runs it, the labels' gate and what a run leaves behind.
* :mod:`.nar`: NAR's searchers, the paper's regime and the label-budget one.
* :mod:`.proposer` (one search iteration), :mod:`.pool` (the queryable architectures),
  :mod:`.fitter` (predictor fits and their cache), :mod:`.settings` (parameters),
  :mod:`.constraints` / :mod:`.selection` / :mod:`.samplers` (sampling under T1's statistics).
* :mod:`.stepwise`: a searcher driven one label per call (NASLib's ``new_epoch``).
"""
