// The verdicts of a check, in words: colour is never the only sign (DESIGN.md): VALIDE / À VÉRIFIER / REFUSÉ.
const WORDS = { green: 'VALIDE', amber: 'À VÉRIFIER', red: 'REFUSÉ' };
const ICONS = { green: 'open', amber: 'warning', red: 'shield-x' };
const REASONS = {
  ok: 'Carte valide pour ce service.',
  malformed: 'Ce code n’est pas une carte étudiante Cœur de Valence : demandez la carte à nouveau.',
  unknown_key: 'Carte signée par une clé inconnue : mettez à jour le contrôleur, ou refusez.',
  bad_signature: 'Signature invalide : ce code a été modifié ou fabriqué.',
  expired_credential: 'Carte à resynchroniser : le téléphone de l’étudiant doit se connecter.',
  revoked: 'Carte révoquée ou suspendue.',
  not_entitled_here: 'Cette carte ne donne pas accès à ce service.',
  expired_entitlement: 'Le droit à ce service a expiré.',
  stale_code: 'Code périmé (capture d’écran ?) : demandez le code affiché en direct.',
  clock_skew: 'L’horloge du téléphone est décalée : comparez la photo avec l’étudiant.',
  replayed: 'Ce code a déjà été présenté : demandez le code affiché en direct.',
  old_bundle: 'La liste de confiance de ce contrôleur date de plus de 72 heures : connectez-le, puis contrôlez à nouveau.',
};

export function verdictWord(verdict) {
  return WORDS[verdict] ?? verdict;
}

export function verdictIcon(verdict) {
  return ICONS[verdict] ?? 'unknown';
}

export function reasonText(reason) {
  return REASONS[reason] ?? reason;
}
