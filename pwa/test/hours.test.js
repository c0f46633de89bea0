import { describe, expect, it } from 'vitest';
import { fromFrench } from '../src/ui/hours-french.js';
import {
  COPY_TARGETS,
  copyDay,
  emptyModel,
  formatHours,
  modelProblems,
  parseHours,
  weekRows,
} from '../src/ui/hours-model.js';

const plain = (text) => text.replaceAll('\u00a0', ' ');
const rows = (model) => weekRows(model).map(([day, text]) => `${day}: ${plain(text)}`);
const slots = (...pairs) => pairs.map(([opens, closes]) => ({ opens, closes }));

describe('OpenStreetMap string → editor → string', () => {
  it.each([
    'Mo-Sa 09:00-12:30,14:00-19:00; PH off',
    'Tu-Sa 09:30-12:30,14:00-19:00; PH off',
    'Mo-Fr 08:00-18:00; Sa 09:00-12:00',
    'Mo,We,Fr 09:00-12:00; Tu,Th 14:00-18:00',
    'Mo-We 09:00-12:00,14:00-18:00; Th-Sa 09:00-19:00; Su 09:00-12:00; PH 10:00-12:00',
    'Sa,Su 10:00-18:00',
    'Mo-Su 00:00-24:00',
  ])('keeps « %s » as it is', (text) => {
    expect(formatHours(parseHours(text))).toBe(text);
  });

  it('reads a lunch break as a second slot and unnamed days as closed', () => {
    const model = parseHours('Tu-Sa 09:30-12:30,14:00-19:00; PH off');
    expect(model.days[0]).toEqual({ closed: true, slots: [] });
    expect(model.days[1]).toEqual({ closed: false, slots: slots(['09:30', '12:30'], ['14:00', '19:00']) });
    expect(model.days[6].closed).toBe(true);
    expect(model.holidays.mode).toBe('off');
    expect(rows(model)).toEqual([
      'Lundi: Fermé',
      'Mardi: 9 h 30 – 12 h 30, 14 h – 19 h',
      'Mercredi: 9 h 30 – 12 h 30, 14 h – 19 h',
      'Jeudi: 9 h 30 – 12 h 30, 14 h – 19 h',
      'Vendredi: 9 h 30 – 12 h 30, 14 h – 19 h',
      'Samedi: 9 h 30 – 12 h 30, 14 h – 19 h',
      'Dimanche: Fermé',
      'Jours fériés: Fermé',
    ]);
  });

  it('lets later rules override earlier ones, as OpenStreetMap does', () => {
    const model = parseHours('Mo-Sa 09:00-19:00; We off; Sa 09:00-12:00');
    expect(model.days[2].closed).toBe(true);
    expect(model.days[5].slots).toEqual(slots(['09:00', '12:00']));
    expect(formatHours(model)).toBe('Mo,Tu,Th,Fr 09:00-19:00; Sa 09:00-12:00');
  });

  it('understands the usual spellings of the same week', () => {
    const written = 'Mo-Sa 09:00-12:30,14:00-19:00; PH off';
    for (const text of [
      'Mo-Sa 09:00-12:30, 14:00-19:00 ; Su off ; PH off',
      'Mo-Sa 9:00-12:30,14:00-19:00; Su,PH closed',
      'Mo,Tu,We,Th,Fr,Sa 09:00-12:30,14:00-19:00;PH off',
    ]) {
      expect(formatHours(parseHours(text))).toBe(written);
    }
    expect(formatHours(parseHours('24/7'))).toBe('Mo-Su 00:00-24:00');
    expect(formatHours(parseHours('Fr-Mo 10:00-18:00'))).toBe('Mo,Fr-Su 10:00-18:00');
  });

  it('holidays: closed, like a given day, or their own slots', () => {
    expect(parseHours('Mo-Fr 09:00-18:00').holidays.mode).toBe('normal');
    const sunday = parseHours('Mo-Sa 09:00-19:00; Su 09:00-12:00; PH 09:00-12:00');
    expect(sunday.holidays).toMatchObject({ mode: 'day', day: 6 });
    expect(rows(sunday).at(-1)).toBe('Jours fériés: 9 h – 12 h (comme le dimanche)');
    expect(formatHours(sunday)).toBe('Mo-Sa 09:00-19:00; Su 09:00-12:00; PH 09:00-12:00');
    const own = parseHours('Mo-Sa 09:00-19:00; PH 10:00-12:00');
    expect(own.holidays).toMatchObject({ mode: 'own', slots: slots(['10:00', '12:00']) });

    const model = parseHours('Mo-Fr 09:00-18:00');
    model.holidays = { mode: 'day', day: 6, slots: [] }; // like Sunday, which is closed
    expect(formatHours(model)).toBe('Mo-Fr 09:00-18:00; PH off');
    model.holidays = { mode: 'day', day: 0, slots: [] };
    expect(formatHours(model)).toBe('Mo-Fr 09:00-18:00; PH 09:00-18:00');
    expect(rows(parseHours('Mo-Fr 09:00-18:00')).at(-1)).toBe('Jours fériés: Selon le jour de la semaine');
  });

  it('leaves to the text what the editor cannot show', () => {
    for (const text of [
      'Mo-Fr 09:00-18:00 "sur rendez-vous"',
      'Jan-Mar Mo-Fr 09:00-18:00',
      'Mo-Fr sunrise-sunset',
      'Fr 22:00-02:00',
      'Mo-Fr 09:00+',
      'Mo-Fr',
      'PH off; Mo-Sa 09:00-19:00',
      'Mo-Fr 09:00-18:00 || "sur appel"',
      'Mo[1] 09:00-12:00',
      'lundi 9h-18h, fermé le dimanche',
    ]) {
      expect(parseHours(text), text).toBeNull();
    }
  });

  it('an empty string is an empty week, and an empty week writes nothing', () => {
    expect(parseHours('')).toEqual(emptyModel());
    expect(formatHours(emptyModel())).toBe('');
  });
});

describe('editing', () => {
  it('copies a day onto the others, onto weekdays or Monday to Saturday', () => {
    const model = emptyModel();
    model.days[0] = { closed: false, slots: slots(['09:00', '12:30'], ['14:00', '19:00']) };
    const monSat = copyDay(model, 0, COPY_TARGETS.monSat.days);
    expect(formatHours(monSat)).toBe('Mo-Sa 09:00-12:30,14:00-19:00');
    expect(formatHours(copyDay(model, 0, COPY_TARGETS.weekdays.days))).toBe('Mo-Fr 09:00-12:30,14:00-19:00');
    expect(formatHours(copyDay(model, 0, COPY_TARGETS.others.days))).toBe('Mo-Su 09:00-12:30,14:00-19:00');
    // The copy stands alone: changing Tuesday later leaves Monday as it was.
    monSat.days[1].slots[0].opens = '10:00';
    expect(monSat.days[0].slots[0].opens).toBe('09:00');
    expect(model.days[1].closed).toBe(true);
    // Copying a closed day closes the others.
    monSat.holidays = { mode: 'off', day: 0, slots: [] };
    expect(formatHours(copyDay(monSat, 6, [5]))).toBe(
      'Mo,We-Fr 09:00-12:30,14:00-19:00; Tu 10:00-12:30,14:00-19:00; PH off',
    );
  });

  it('says in French what keeps the week from being written', () => {
    const model = emptyModel();
    model.days[0] = { closed: false, slots: slots(['09:00', '12:30'], ['', '']) };
    model.days[1] = { closed: false, slots: slots(['14:00', '12:00']) };
    model.days[2] = { closed: false, slots: slots(['09:00', '13:00'], ['12:00', '18:00']) };
    model.days[3] = { closed: false, slots: [] };
    model.holidays = { mode: 'own', day: 0, slots: [] };
    expect(modelProblems(model)).toEqual([
      'Lundi : indiquez l’heure d’ouverture et de fermeture de la plage 2.',
      'Mardi : la plage ferme avant d’ouvrir (14:00 – 12:00).',
      'Mercredi : la plage 2 commence avant la fin de la précédente.',
      'Jeudi : ajoutez une plage ou cochez « Fermé ».',
      'Jours fériés : ajoutez une plage ou choisissez « Fermé ».',
    ]);
  });

  it('shows midnight as a closing time as « minuit »', () => {
    expect(rows(parseHours('Fr,Sa 18:00-24:00'))[4]).toBe('Vendredi: 18 h – minuit');
  });
});

describe('hours written in French', () => {
  it.each([
    ['lundi 9h-18h, fermé le dimanche', 'Mo 09:00-18:00'],
    ['du mardi au samedi 9h-19h', 'Tu-Sa 09:00-19:00'],
    [
      'Du lundi au samedi de 9h à 12h30 et de 14h à 19h, fermé le dimanche et les jours fériés',
      'Mo-Sa 09:00-12:30,14:00-19:00; PH off',
    ],
    ['lundi-vendredi 8h30-18h ; samedi 9h-midi', 'Mo-Fr 08:30-18:00; Sa 09:00-12:00'],
    ['Tous les jours 7 h 30 - 20 h', 'Mo-Su 07:30-20:00'],
    ['mardi au samedi 10:00-19:00, dimanche 9h-12h30, lundi fermé', 'Tu-Sa 10:00-19:00; Su 09:00-12:30'],
  ])('reads « %s » as « %s »', (text, written) => {
    expect(formatHours(fromFrench(text))).toBe(written);
  });

  it('proposes nothing when a word is not understood or a slot is odd', () => {
    for (const text of [
      'tous les jours sauf le lundi 9h-18h',
      'lundi 9h',
      '9h-18h',
      'lundi 18h-9h',
      'sur rendez-vous',
      'lundi 9-18',
      'Mo-Fr 09:00-18:00',
    ]) {
      expect(fromFrench(text), text).toBeNull();
    }
  });
});
