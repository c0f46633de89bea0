import { describe, expect, it } from 'vitest';
import { roleLabels } from '../src/roles.js';

describe('roleLabels', () => {
  it('labels every role in French', () => {
    expect(roleLabels({ roles: ['shopper', 'merchant', 'student', 'admin'] })).toEqual([
      'Client',
      'Commerçant',
      'Étudiant',
      'Administration',
    ]);
  });

  it('adds the service of a validator', () => {
    expect(roleLabels({ roles: ['shopper', 'validator'], service: 'library' })).toEqual([
      'Client',
      'Contrôleur · Bibliothèque',
    ]);
    expect(roleLabels({ roles: ['validator'], service: 'transport' })).toEqual(['Contrôleur · Transports']);
    expect(roleLabels({ roles: ['validator'], service: 'sport' })).toEqual(['Contrôleur · Sport']);
    expect(roleLabels({ roles: ['validator'], service: null })).toEqual(['Contrôleur']);
  });

  it('keeps an unknown role readable and copes with no roles', () => {
    expect(roleLabels({ roles: ['auditor'] })).toEqual(['auditor']);
    expect(roleLabels({})).toEqual([]);
  });
});
