const ROLE_LABELS = {
  shopper: 'Client',
  merchant: 'Commerçant',
  student: 'Étudiant',
  validator: 'Contrôleur',
  admin: 'Administration',
};

const SERVICE_LABELS = {
  transport: 'Transports',
  library: 'Bibliothèque',
  sport: 'Sport',
};

export function serviceLabel(service) {
  return SERVICE_LABELS[service] ?? service;
}

/** French labels for a user's roles, in the order the API gives them. */
export function roleLabels({ roles = [], service = null } = {}) {
  return roles.map((role) => {
    const label = ROLE_LABELS[role] ?? role;
    if (role === 'validator' && service) return `${label} · ${serviceLabel(service)}`;
    return label;
  });
}
