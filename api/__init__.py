"""Cœur de Valence: the downtown app of Valence (Drôme)."""
