"""Points Cœur de Ville: one city-wide balance, earned and spent at the downtown's shops."""
