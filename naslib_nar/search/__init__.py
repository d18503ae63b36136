"""NAR's search phase (§3.3): distribution selection, tier-statistics samplers, the loop,
and the :class:`~naslib_nar.search.trace.SearchTrace` every search method returns."""
